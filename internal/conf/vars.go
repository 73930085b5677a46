package conf

import (
	"os"
	"path/filepath"
	"strconv"
)

// Var gives the expansion variables that Exim backs by configuration
// state ($primary_hostname, $qualify_domain, $spool_directory, ...), with
// the defaults Exim computes when the options are unset.
func (c *Config) Var(name string) (string, bool) {
	switch name {
	case "primary_hostname", "smtp_active_hostname":
		return c.PrimaryHostname(), true
	case "qualify_domain":
		return c.QualifyDomain(), true
	case "qualify_recipient":
		return c.QualifyRecipient(), true
	case "spool_directory":
		return c.String("spool_directory"), true
	case "config_file":
		return c.File, true
	case "config_dir":
		return filepath.Dir(c.File), true
	case "exim_path":
		return c.String("exim_path"), true
	case "bounce_return_size_limit":
		return strconv.FormatInt(c.Int("bounce_return_size_limit"), 10), true
	case "headers_charset":
		// Not a variable in Exim, but the expander reads the charset
		// for $h_ and ${rfc2047:} through it.
		return c.String("headers_charset"), true
	case "print_topbitchars":
		return strconv.FormatBool(c.Bool("print_topbitchars")), true
	case "check_rfc2047_length":
		// Read by the expander's RFC 2047 decoding, like headers_charset.
		return strconv.FormatBool(c.Bool("check_rfc2047_length")), true
	case "exim_uid":
		return strconv.Itoa(os.Geteuid()), true
	case "exim_gid":
		return strconv.Itoa(os.Getegid()), true
	}
	return "", false
}

// PrimaryHostname is primary_hostname, or this host's name when unset.
func (c *Config) PrimaryHostname() string {
	if v := c.String("primary_hostname"); v != "" {
		return v
	}
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}

// QualifyDomain is qualify_domain, defaulting to the primary host name.
func (c *Config) QualifyDomain() string {
	if v := c.String("qualify_domain"); v != "" {
		return v
	}
	return c.PrimaryHostname()
}

// QualifyRecipient is qualify_recipient, defaulting to qualify_domain.
func (c *Config) QualifyRecipient() string {
	if v := c.String("qualify_recipient"); v != "" {
		return v
	}
	return c.QualifyDomain()
}
