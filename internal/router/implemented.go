package router

import "exigo/internal/conf"

// The options the router chain and its drivers act on, so that -bV stops
// warning about them. Options that only matter to the delivery process
// (retry_use_local_part, disable_logging, log_as_local, dsn_lasthop,
// same_domain_copy_routing) are read there; those exigo cannot act on
// (filter options) stay unmarked.
func init() {
	conf.MarkImplemented(conf.KindRouter, "",
		"address_data", "address_test", "cannot_route_message", "caseful_local_part",
		"check_local_user", "condition", "debug_print", "domains", "errors_to", "expn",
		"fail_verify", "fail_verify_recipient", "fail_verify_sender", "fallback_hosts",
		"group", "headers_add", "headers_remove", "ignore_target_hosts", "initgroups",
		"local_part_prefix", "local_part_prefix_optional", "local_part_suffix",
		"local_part_suffix_optional", "local_parts", "more", "pass_on_timeout",
		"pass_router", "redirect_router", "require_files", "router_home_directory",
		"self", "senders", "translate_ip_address", "transport",
		"transport_current_directory", "transport_home_directory", "unseen", "user",
		"verify", "verify_only", "verify_recipient", "verify_sender")
	conf.MarkImplemented(conf.KindRouter, "redirect",
		"allow_defer", "allow_fail", "allow_filter", "check_ancestor", "check_group",
		"check_owner", "data", "directory_transport", "file", "file_transport",
		"forbid_blackhole", "forbid_file", "forbid_filter_reply", "forbid_include",
		"forbid_pipe", "forbid_smtp_code", "ignore_eacces",
		"ignore_enotdir", "include_directory", "modemask", "one_time", "owners",
		"owngroups", "pipe_transport", "qualify_domain", "qualify_preserve_domain",
		"repeat_use", "skip_syntax_errors")
	conf.MarkImplemented(conf.KindRouter, "dnslookup",
		"check_secondary_mx", "check_srv", "fail_defer_domains", "mx_domains",
		"mx_fail_domains", "qualify_single", "search_parents", "srv_fail_domains",
		"widen_domains")
	conf.MarkImplemented(conf.KindRouter, "manualroute",
		"host_all_ignored", "host_find_failed", "hosts_randomize", "route_data", "route_list")
}
