package cli

// The drivers a configuration may name: each registers itself.
import (
	_ "exigo/internal/transport/appendfile"
	_ "exigo/internal/transport/lmtp"
	_ "exigo/internal/transport/pipe"
	_ "exigo/internal/transport/queuefile"
	_ "exigo/internal/transport/smtp"
)
