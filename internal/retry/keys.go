package retry

import (
	"fmt"
	"strings"

	"exigo/internal/item"
)

// HostKey is the key of a remote host's record: "T:name:ip", with
// ":port" after it for a port other than 25; the name is lower-cased.
// Without includeIP (retry_include_ip_address false) it is "T:name".
func HostKey(name, ip string, port int, includeIP bool) string {
	k := "T:" + strings.ToLower(name)
	if includeIP {
		k += ":" + ip
	}
	if port != 0 && port != 25 {
		k += fmt.Sprintf(":%d", port)
	}
	return k
}

// MessageKey is the key of a host's record for one message (errors
// that concern the message, such as a 4xx reply to MAIL or DATA).
func MessageKey(hostKey, messageID string) string { return hostKey + ":" + messageID }

// DomainKey and AddressKey are the routing keys ("R:domain",
// "R:local@domain"); local deliveries use the same with "T:" (LocalKey).
func DomainKey(domain string) string { return "R:" + domain }

// AddressKey is "R:local_part@domain".
func AddressKey(localPart, domain string) string { return "R:" + localPart + "@" + domain }

// SenderKey is an address key with the sender attached, as the smtp
// transport makes it after a 4xx to RCPT (address_retry_include_sender).
func SenderKey(addressKey, sender string) string { return addressKey + ":<" + sender + ">" }

// LocalKey turns a routing key into the key of a local delivery.
func LocalKey(routingKey string) string { return "T:" + strings.TrimPrefix(routingKey, "R:") }

// AddItem chains a retry item to a (Exim's retry_add_item): the error is
// the address's, its text prefixed with the host when there is one.
func AddItem(a *item.Address, key string, flags int) {
	msg := a.Message
	if h := a.HostUsed; h != nil {
		msg = fmt.Sprintf("H=%s [%s]: %s", h.Name, h.Address, a.Message)
	}
	a.Retries = append(a.Retries, item.RetryItem{
		Key: key, BasicErrno: a.BasicErrno, MoreErrno: a.MoreErrno, Message: msg, Flags: flags,
	})
}
