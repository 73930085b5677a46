package bounce

import "exigo/internal/conf"

func init() {
	conf.MarkImplemented(conf.KindMain, "",
		"dsn_from", "dsn_extra_info", "errors_copy", "errors_reply_to",
		"bounce_message_file", "bounce_message_text", "bounce_return_body",
		"bounce_return_linesize_limit", "bounce_return_size_limit", "return_size_limit",
		"delay_warning", "delay_warning_condition", "warn_message_file",
		"ignore_bounce_errors_after", "timeout_frozen_after", "auto_thaw", "freeze_tell")
}
