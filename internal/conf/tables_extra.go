package conf

// Options that Debian's Exim build does not have, so the generated tables
// cannot hold them: exigo's own, the experimental features of
// ../shared/spec/experimental-spec.txt, and drivers Debian leaves out.
// Names here must not repeat generated ones (init order is file order).

func init() {
	RegisterGeneric(KindMain, []OptionDef{
		// exigo: the DNS servers its resolver asks, each "ip" or "ip.port"
		// as in local_interfaces ("<;" lists for IPv6). Unset: the
		// environment's EXIGO_DNS_SERVERS, then /etc/resolv.conf.
		{Name: "dns_servers", Type: TypeStringList, Unset: true, Implemented: true},
		// exigo: the domain search list (the first is the default domain)
		// for dnslookup's qualify_single and search_parents. Unset: with
		// the system's resolver, /etc/resolv.conf's search or domain line.
		{Name: "dns_search_domains", Type: TypeStringList, Unset: true, Implemented: true},
		// exigo: put the "DSN extra information" fields into bounces.
		{Name: "dsn_extra_info", Type: TypeBool, Default: "true"},
		// Accepted by Exim 4.96 but not printed by -bP.
		{Name: "return_size_limit", Type: TypeSize, Default: "100K"},
		{Name: "panic_coredump", Type: TypeBool, Default: "false"},
		{Name: "allow_insecure_tainted_data", Type: TypeBool, Default: "false"},
		// Brightmail.
		{Name: "bmi_config_file", Type: TypeString, Default: "/opt/brightmail/etc/brightmail.cfg"},
		// DCC.
		{Name: "dccifd_address", Type: TypeString, Default: "/usr/local/dcc/var/dccifd"},
		{Name: "dccifd_options", Type: TypeString, Default: "header"},
		{Name: "dcc_direct_add_header", Type: TypeBool, Default: "false"},
		// DMARC.
		{Name: "dmarc_forensic_sender", Type: TypeString, Unset: true, Expanded: true},
		{Name: "dmarc_history_file", Type: TypeString, Unset: true},
		{Name: "dmarc_tld_file", Type: TypeString, Unset: true},
		// SRS through libsrs_alt.
		{Name: "srs_config", Type: TypeString, Unset: true},
		{Name: "srs_hashlength", Type: TypeInt, Default: "6"},
		{Name: "srs_hashmin", Type: TypeInt, Default: "-1"},
		{Name: "srs_maxage", Type: TypeInt, Default: "31"},
		{Name: "srs_secrets", Type: TypeString, Unset: true, Expanded: true},
		{Name: "srs_usehash", Type: TypeBool, Default: "true"},
		{Name: "srs_usetimestamp", Type: TypeBool, Default: "true"},
	})
	RegisterGeneric(KindRouter, []OptionDef{
		// Settings of two options at once (see optionFanOut); -bP shows
		// the two, as Exim does.
		{Name: "verify", Type: TypeBool, Default: "true"},
		{Name: "fail_verify", Type: TypeBool, Default: "false"},
		{Name: "translate_ip_address", Type: TypeString, Unset: true, Expanded: true},
		{Name: "bmi_deliver_alternate", Type: TypeBool, Default: "false"},
		{Name: "bmi_deliver_default", Type: TypeBool, Default: "false"},
		{Name: "bmi_dont_deliver", Type: TypeBool, Default: "false"},
		{Name: "bmi_rule", Type: TypeString, Unset: true},
	})
	RegisterDriver(KindRouter, "redirect", []OptionDef{
		{Name: "srs", Type: TypeString, Unset: true, Expanded: true},
		{Name: "srs_alias", Type: TypeString, Unset: true, Expanded: true},
		{Name: "srs_condition", Type: TypeString, Unset: true, Expanded: true},
		{Name: "srs_dbinsert", Type: TypeString, Unset: true, Expanded: true},
		{Name: "srs_dbselect", Type: TypeString, Unset: true, Expanded: true},
	})
	RegisterDriver(KindTransport, "smtp", []OptionDef{
		{Name: "arc_sign", Type: TypeString, Unset: true, Expanded: true},
	})
	RegisterDriver(KindTransport, "queuefile", []OptionDef{
		{Name: "directory", Type: TypeString, Unset: true, Expanded: true},
	})
	RegisterDriver(KindAuthenticator, "gsasl", []OptionDef{
		{Name: "client_authz", Type: TypeString, Unset: true, Expanded: true},
		{Name: "client_password", Type: TypeString, Unset: true, Expanded: true},
		{Name: "client_spassword", Type: TypeString, Unset: true, Expanded: true},
		{Name: "client_username", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_channelbinding", Type: TypeBool, Default: "false"},
		{Name: "server_hostname", Type: TypeString, Default: "$primary_hostname", Expanded: true},
		{Name: "server_mech", Type: TypeString, Unset: true},
		{Name: "server_password", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_realm", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_scram_iter", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_scram_salt", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_service", Type: TypeString, Default: "smtp"},
	})
	RegisterDriver(KindAuthenticator, "heimdal_gssapi", []OptionDef{
		{Name: "server_hostname", Type: TypeString, Default: "$primary_hostname", Expanded: true},
		{Name: "server_keytab", Type: TypeString, Unset: true, Expanded: true},
		{Name: "server_service", Type: TypeString, Default: "smtp"},
	})
}
