module exigo

go 1.26.0

require github.com/miekg/dns v1.1.73

require (
	github.com/GehirnInc/crypt v0.0.0-20230320061759-8cc1b52080c5
	golang.org/x/crypto v0.56.0
)

require (
	github.com/PowerDNS/lmdb-go v1.9.3
	github.com/dlclark/regexp2 v1.12.0
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
