// Package appendfile is Exim's appendfile transport (manual chapter "The
// appendfile transport"): appending to a mailbox file with Exim's
// locking, or writing a new file in a directory, in Maildir format or
// with a directory_file name. Importing it registers the driver.
package appendfile

import (
	"fmt"
	"time"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/transport"
)

func init() {
	transport.Register("appendfile", New)
	conf.MarkImplemented(conf.KindTransport, "appendfile",
		"file", "directory", "directory_file", "directory_mode", "mode", "mode_fail_narrower",
		"create_directory", "create_file", "file_must_exist", "allow_symlink", "allow_fifo",
		"check_owner", "check_group", "use_lockfile", "use_fcntl_lock", "use_flock_lock",
		"lock_retries", "lock_interval", "lock_fcntl_timeout", "lock_flock_timeout",
		"lockfile_mode", "lockfile_timeout", "maildir_format", "maildir_tag", "maildir_retries",
		"maildirfolder_create_regex", "quota", "quota_filecount",
		"quota_directory", "quota_is_inclusive", "quota_size_regex", "quota_warn_threshold",
		"quota_warn_message", "mailbox_size", "mailbox_filecount", "message_prefix",
		"message_suffix", "check_string", "escape_string", "use_crlf", "use_bsmtp", "batch_max")
}

// DefaultWarnMessage is quota_warn_message when quota_warn_threshold is
// set and it is not.
const DefaultWarnMessage = "To: $local_part@$domain\n" +
	"Subject: Your mailbox\n\n" +
	"This message is automatically created by mail delivery software (Exim).\n\n" +
	"The size of your mailbox has exceeded a warning threshold that is\n" +
	"set by the system administrator.\n"

// create_file values.
const (
	createAnywhere = iota
	createBelowHome
	createInHome
)

// options are an instance's settings, checked as Exim's
// appendfile_transport_init does.
type options struct {
	file, dir, dirFile          string
	maildir                     bool
	mode, dirMode, lockfileMode uint32
	modeFailNarrower            bool
	createDirectory             bool
	createFile                  int
	fileMustExist               bool
	allowSymlink, allowFifo     bool
	checkOwner, checkGroup      bool
	useLockfile, useFcntl       bool
	useFlock                    bool
	lockRetries                 int
	lockInterval                time.Duration
	fcntlTimeout, flockTimeout  time.Duration
	lockfileTimeout             time.Duration
	maildirTag                  string
	maildirRetries              int
	maildirfolderRegex          string
	maildirDirRegex             string
	quota, quotaFilecount       string
	quotaWarnThreshold          string
	quotaDirectory              string
	quotaSizeRegex              string
	quotaInclusive              bool
	mailboxSize, mailboxCount   string
	prefix, suffix              string
	check, escape               string
	escapeHeaders, crlf, bsmtp  bool
	warnMessage                 string
	rcptIncludeAffixes          bool
}

// Transport is one appendfile instance.
type Transport struct {
	d *conf.Driver
	o options
}

// New checks an instance's options and builds it.
func New(d *conf.Driver) (transport.Transport, error) {
	if err := transport.CheckGeneric(d); err != nil {
		return nil, err
	}
	o, err := readOptions(d)
	if err != nil {
		return nil, err
	}
	return &Transport{d: d, o: o}, nil
}

// Local: appendfile is a local transport.
func (t *Transport) Local() bool { return true }

// WarnMessage is what the delivery process sends when a delivery
// crosses quota_warn_threshold (transport.Warner).
func (t *Transport) WarnMessage() string { return t.o.warnMessage }

// WarnMessage is the instance's quota_warn_message, or Exim's default
// when only quota_warn_threshold is set ("" when neither is).
func WarnMessage(d *conf.Driver) string {
	if d.IsSet("quota_warn_message") {
		return d.String("quota_warn_message")
	}
	if d.IsSet("quota_warn_threshold") {
		return DefaultWarnMessage
	}
	return ""
}

func readOptions(d *conf.Driver) (options, error) {
	o := options{
		file: d.String("file"), dir: d.String("directory"), dirFile: d.String("directory_file"),
		maildir: d.Bool("maildir_format"), mode: uint32(d.Int("mode")),
		dirMode: uint32(d.Int("directory_mode")), lockfileMode: uint32(d.Int("lockfile_mode")),
		modeFailNarrower: d.Bool("mode_fail_narrower"), createDirectory: d.Bool("create_directory"),
		fileMustExist: d.Bool("file_must_exist"), allowSymlink: d.Bool("allow_symlink"),
		allowFifo: d.Bool("allow_fifo"), checkOwner: d.Bool("check_owner"),
		checkGroup: d.Bool("check_group"), useLockfile: d.Bool("use_lockfile"),
		useFcntl: d.Bool("use_fcntl_lock"), useFlock: d.Bool("use_flock_lock"),
		lockRetries: int(d.Int("lock_retries")), lockInterval: d.Time("lock_interval"),
		fcntlTimeout: d.Time("lock_fcntl_timeout"), flockTimeout: d.Time("lock_flock_timeout"),
		lockfileTimeout: d.Time("lockfile_timeout"), maildirTag: d.String("maildir_tag"),
		maildirRetries: int(d.Int("maildir_retries")), maildirfolderRegex: d.String("maildirfolder_create_regex"),
		maildirDirRegex: d.String("maildir_quota_directory_regex"), quota: d.String("quota"),
		quotaFilecount: d.String("quota_filecount"), quotaWarnThreshold: d.String("quota_warn_threshold"),
		quotaDirectory: d.String("quota_directory"), quotaSizeRegex: d.String("quota_size_regex"),
		quotaInclusive: d.Bool("quota_is_inclusive"), mailboxSize: d.String("mailbox_size"),
		mailboxCount: d.String("mailbox_filecount"), crlf: d.Bool("use_crlf"), bsmtp: d.Bool("use_bsmtp"),
		warnMessage: WarnMessage(d), rcptIncludeAffixes: d.Bool("rcpt_include_affixes"),
	}
	if d.IsSet("quota_filecount") {
		// The table calls it an integer; Exim expands it as a string.
		if v, ok := d.Get("quota_filecount"); ok {
			o.quotaFilecount = v.Raw
		}
	}
	if o.lockRetries == 0 {
		o.lockRetries = 1
	}
	if err := o.validate(d); err != nil {
		return o, err
	}
	o.formats(d)
	return o, nil
}

// check rejects what Exim's initialization rejects.
func (o *options) validate(d *conf.Driver) error {
	switch {
	case d.IsSet("file") && d.IsSet("directory"):
		return fmt.Errorf(`only one of "file" or "directory" can be specified`)
	case d.IsSet("file") && d.IsSet("quota_filecount"):
		return fmt.Errorf(`quota_filecount must not be set without "directory"`)
	case d.IsSet("file") && d.IsSet("quota_directory"):
		return fmt.Errorf(`quota_directory must not be set without "directory"`)
	case d.Bool("mailstore_format") || d.Bool("mbx_format") || d.Bool("use_mbx_lock"):
		return fmt.Errorf("mailstore and MBX formats are not supported by exigo")
	case d.IsSet("file_format"):
		return fmt.Errorf("file_format is not supported by exigo")
	}
	if o.useFlock && !d.IsSet("use_fcntl_lock") {
		o.useFcntl = false
	}
	if !o.useFcntl && !o.useFlock && !o.useLockfile {
		return fmt.Errorf("no locking configured")
	}
	if !o.useFcntl {
		o.fcntlTimeout = 0
	}
	if !o.useFlock {
		o.flockTimeout = 0
	}
	if d.IsSet("directory") {
		if d.IsSet("quota_filecount") && !d.IsSet("quota") {
			return fmt.Errorf("quota must be set if quota_filecount is set")
		}
		if d.IsSet("quota_directory") && !d.IsSet("quota") {
			return fmt.Errorf("quota must be set if quota_directory is set")
		}
	}
	switch cf := d.String("create_file"); cf {
	case "anywhere":
		o.createFile = createAnywhere
	case "belowhome":
		o.createFile = createBelowHome
	case "inhome":
		o.createFile = createInHome
	default:
		return fmt.Errorf("invalid value given for \"create_file\" for the %s transport: '%s'", d.Name, cf)
	}
	return nil
}

// formats sets the prefix, suffix and escaping: batch SMTP escapes dots
// everywhere; a mailbox file gets Exim's mbox defaults for whatever is
// not set; a directory delivery gets only what is set.
func (o *options) formats(d *conf.Driver) {
	str := func(name string) (string, bool) { return d.String(name), d.IsSet(name) }
	if o.bsmtp {
		o.check, o.escape, o.escapeHeaders = ".", "..", true
	} else {
		o.check, _ = str("check_string")
		o.escape, _ = str("escape_string")
	}
	o.prefix, _ = str("message_prefix")
	o.suffix, _ = str("message_suffix")
	mbox := !o.bsmtp && !d.IsSet("directory") && !o.maildir
	for _, f := range []struct {
		v    *string
		name string
	}{{&o.prefix, "message_prefix"}, {&o.suffix, "message_suffix"}, {&o.check, "check_string"}, {&o.escape, "escape_string"}} {
		if !d.IsSet(f.name) && !(mbox || (o.bsmtp && (f.name == "check_string" || f.name == "escape_string"))) {
			*f.v = ""
		}
	}
}

// setResult records an outcome on the first address of a batch. An
// errno of 0 leaves Exim's backstop error number (-1) in place.
func setResult(a *item.Address, r item.Result, errno int, format string, args ...any) {
	a.Result = r
	if errno != 0 {
		a.BasicErrno = errno
	}
	a.Message = fmt.Sprintf(format, args...)
}

// panicResult is Exim's PANIC: a deferral that goes to the panic log.
func panicResult(a *item.Address, errno int, format string, args ...any) {
	setResult(a, item.Defer, errno, format, args...)
	a.Panic = true
}
