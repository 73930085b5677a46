package smtpd

import "syscall"

// spoolSpaceOK applies check_spool_space: refuse MAIL when the spool's
// file system has less room than that (plus the message's SIZE).
func (s *session) spoolSpaceOK() bool {
	need := s.srv.Config.Int("check_spool_space")
	if need <= 0 || s.srv.Spool == nil || s.srv.HostCheck {
		return true
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.srv.Spool.Dir, &st); err != nil {
		return true
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	want := need * 1024
	if s.messageSize > 0 {
		want += s.messageSize + 5000
	}
	return free >= want
}
