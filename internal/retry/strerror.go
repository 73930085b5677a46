package retry

import "syscall"

// Strerror is the C library's text for a system errno ("Connection timed
// out"): Go's table is glibc's with a lower-case first letter.
func Strerror(errno int) string {
	s := syscall.Errno(errno).Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
