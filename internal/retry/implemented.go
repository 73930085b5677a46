package retry

import "exigo/internal/conf"

func init() {
	conf.MarkImplemented(conf.KindMain, "", "retry_data_expire", "retry_interval_max")
}
