package item

// Exim's own error numbers for Address.BasicErrno (its ERRNO_* macros):
// negative, so that they never clash with the system's errno values,
// which transports store as they are (ECONNREFUSED is 111). The retry
// rules and the retry database see these numbers, so they are Exim
// 4.96's (-44, -46 and -54 were measured with Debian's build).
const (
	ErrnoUnknown         = -1
	ErrnoUserNotFound    = -2 // no such user
	ErrnoGroupNotFound   = -3
	ErrnoNotRegular      = -4
	ErrnoNotDirectory    = -5
	ErrnoBadUGID         = -6
	ErrnoBadMode         = -7
	ErrnoInode           = -8
	ErrnoLock            = -9
	ErrnoMultiLink       = -10
	ErrnoForbidPipe      = -11
	ErrnoForbidFile      = -12
	ErrnoForbidReply     = -13
	ErrnoMissingPipe     = -14
	ErrnoMissingFile     = -15
	ErrnoMissingReply    = -16
	ErrnoBadRedirect     = -17
	ErrnoSMTPClosed      = -18 // the server closed the connection
	ErrnoSMTPFormat      = -19 // malformed SMTP reply
	ErrnoSpoolFormat     = -20
	ErrnoNotAbsolute     = -21
	ErrnoEximQuota       = -22
	ErrnoHeld            = -23
	ErrnoFilterFail      = -24 // transport filter failed
	ErrnoChHeaderFail    = -25 // headers_add / headers_remove failed
	ErrnoWriteIncomplete = -26
	ErrnoExpandFail      = -27
	ErrnoGIDFail         = -28
	ErrnoUIDFail         = -29
	ErrnoBadTransport    = -30
	ErrnoMBXLength       = -31
	ErrnoUnknownHost     = -32 // host lookup failed (router or smtp transport)
	ErrnoFormatUnknown   = -33
	ErrnoBadCreate       = -34
	ErrnoListDefer       = -35
	ErrnoDNSDefer        = -36
	ErrnoTLSFailure      = -37 // a TLS session could not be started
	ErrnoTLSRequired     = -38 // TLS required but not started
	ErrnoChownFail       = -39
	ErrnoPipeFail        = -40
	ErrnoCalloutDefer    = -41
	ErrnoAuthFail        = -42 // authentication required but failed
	ErrnoConnectTimeout  = -43 // smtp transport internal: becomes ETIMEDOUT + RTEFConnectTimeout
	ErrnoRcpt4xx         = -44
	ErrnoMail4xx         = -45
	ErrnoData4xx         = -46
	ErrnoProxyFail       = -47
	ErrnoAuthProb        = -48 // an authenticator's other failure
	ErrnoUTF8Fwd         = -49
	ErrnoHostIsLocal     = -50
	ErrnoTaint           = -51

	// The "not time yet" deferrals come last, as in Exim. Errnos at or
	// below ErrnoRetryBase (Exim's ERRNO_RETRY_BASE) count as "retry
	// time not reached".
	ErrnoRetryBase   = -51
	ErrnoRRetry      = -52 // not time for routing
	ErrnoLRetry      = -53 // not time for a local delivery
	ErrnoHRetry      = -54 // not time for any remote host
	ErrnoLocalOnly   = -55
	ErrnoQueueDomain = -56
	ErrnoTRetry      = -57
	ErrnoEvent       = -58 // an event_action vetoed the action (tcp:connect)
)

// MoreErrno bits and fields. For remote deliveries the low byte is 'A'
// (the host came from an address record) or 'M' (from an MX record), and
// a 4xx reply's last two digits sit in bits 8-15 (451 adds 51<<8).
const (
	RTEFConnectTimeout = 0x100 // Exim's RTEF_CTOUT: the connection timed out
)
