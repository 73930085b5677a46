package expand

import "strings"

// knownVars are the variables Exim 4.96 (as Debian builds it) knows.
// When neither Context.Vars nor a registered function supplies one, it
// expands to its default: "" for strings, "0" for numbers, "no" for
// booleans (what "exim -be" prints outside a message).
var knownVars = buildKnownVars()

const (
	stringVars = `acl_arg1 acl_arg2 acl_arg3 acl_arg4 acl_arg5 acl_arg6 acl_arg7
acl_arg8 acl_arg9 acl_verify_message address_data address_file address_pipe
authenticated_fail_id authenticated_id authenticated_sender bounce_recipient
callout_address compile_date compile_number config_dir config_file csa_status
dkim_algo dkim_bodylength dkim_canon_body dkim_canon_headers dkim_copiedheaders
dkim_created dkim_cur_signer dkim_domain dkim_expires dkim_headernames
dkim_identity dkim_key_granularity dkim_key_nosubdomains dkim_key_notes
dkim_key_srvtype dkim_key_testing dkim_selector dkim_signers dkim_verify_reason
dkim_verify_status dnslist_domain dnslist_matched dnslist_text dnslist_value
domain domain_data event_data event_name exim_path exim_version headers_added
home host host_address host_data initial_cwd interface_address item ldap_dn
local_part local_part_data local_part_prefix local_part_prefix_v
local_part_suffix local_part_suffix_v local_scan_data lookup_dnssec_authenticated
mailstore_basename malware_name message_body message_body_end message_exim_id
message_headers message_headers_raw message_id mime_anomaly_text mime_boundary
mime_charset mime_content_description mime_content_disposition mime_content_id
mime_content_transfer_encoding mime_content_type mime_decoded_filename
mime_filename original_domain original_local_part parent_domain
parent_local_part primary_hostname proxy_external_address proxy_local_address
prvscheck_address prvscheck_keynum prvscheck_result qualify_domain
qualify_recipient queue_name queue_size received_for received_ip_address
received_protocol recipient_data recipient_verify_failure recipients
regex_match_string reply_address return_path router_name self_hostname
sender_address sender_address_data sender_address_domain
sender_address_local_part sender_data sender_fullhost sender_helo_name
sender_host_address sender_host_authenticated sender_host_name sender_ident
sender_rate sender_rate_limit sender_rate_period sender_rcvhost
sender_verify_failure sending_ip_address smtp_active_hostname smtp_command
smtp_command_argument smtp_command_history smtp_notquit_reason spam_action
spam_bar spam_report spam_score spam_score_int spf_guess spf_header_comment
spf_received spf_result spf_smtp_comment spool_directory srs_recipient
thisaddress tls_cipher tls_in_cipher tls_in_cipher_std tls_in_ourcert
tls_in_peercert tls_in_peerdn tls_in_sni tls_in_ver tls_out_cipher
tls_out_cipher_std tls_out_ourcert tls_out_peercert tls_out_peerdn tls_out_sni
tls_out_ver tls_peerdn tls_sni transport_name value verify_mode version_number
warn_message_delay warn_message_recipient warn_message_recipients
warnmsg_delay warnmsg_recipients`

	numberVars = `acl_narg authentication_failed av_failed body_linecount
body_zerocount bounce_return_size_limit caller_gid caller_uid dkim_key_length
event_defer_errno exim_gid exim_uid host_lookup_deferred host_lookup_failed
host_port inode load_average localhost_number log_inodes log_space
max_received_linelength message_age message_body_size message_linecount
message_size mime_anomaly_level mime_content_size mime_is_coverletter
mime_is_multipart mime_is_rfc822 mime_part_count originator_gid originator_uid
proxy_external_port proxy_local_port rcpt_count rcpt_defer_count
rcpt_fail_count received_count received_time recipients_count
return_size_limit runrc sender_host_port smtp_count_at_connection_start
spool_inodes spool_space tls_bits tls_certificate_verified tls_in_bits
tls_in_certificate_verified tls_in_ocsp tls_in_resumption tls_out_bits
tls_out_certificate_verified tls_out_ocsp tls_out_resumption
tls_out_tlsa_usage`

	boolVars = `message_smtputf8 prdr_requested proxy_session sender_helo_dnssec
sender_host_dnssec spf_result_guessed tls_out_dane`
)

func buildKnownVars() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields(stringVars) {
		m[n] = ""
	}
	for _, n := range strings.Fields(numberVars) {
		m[n] = "0"
	}
	for _, n := range strings.Fields(boolVars) {
		m[n] = "no"
	}
	// Unset ports and ids that Exim prints as -1 (or -1 as an unsigned id).
	m["interface_port"], m["received_port"], m["sending_port"] = "-1", "-1", "-1"
	m["local_user_gid"], m["local_user_uid"] = "4294967295", "4294967295"
	return m
}
