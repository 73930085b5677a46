module exigo

go 1.26.0

require github.com/miekg/dns v1.1.73

require (
	github.com/GehirnInc/crypt v0.0.0-20230320061759-8cc1b52080c5
	golang.org/x/crypto v0.56.0
)

require (
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	modernc.org/libc v1.79.0 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)

require (
	github.com/PowerDNS/lmdb-go v1.9.3
	github.com/dlclark/regexp2 v1.12.0
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.49.0
	modernc.org/sqlite v1.61.1
)
