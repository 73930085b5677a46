package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeResult prints the load summary as a text block or one JSON object.
func writeResult(w io.Writer, r result, asJSON bool) error {
	if asJSON {
		return writeJSON(w, r)
	}
	_, err := fmt.Fprintf(w, `smtpload %s c=%d n=%d m=%d s=%d rcpts=%d pipelining=%s
messages sent        %d
accepted             %d
rejected             %d (4xx %d, 5xx %d, other %d)
errors               %d
connections          %d
elapsed              %.3f s
accepted/s           %.2f
end-of-data latency  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms
connect latency      p50 %.3f ms
%s`,
		r.Addr, r.Concurrency, r.Messages, r.PerConn, r.SizeBytes, r.Recipients, yesNo(r.Pipelining),
		r.Sent, r.Accepted, r.Rejected, r.Rejected4xx, r.Rejected5xx, r.RejectedOther,
		r.Errors, r.Connections, r.ElapsedS, r.MsgsPerS,
		r.LatP50Ms, r.LatP90Ms, r.LatP99Ms, r.LatMaxMs, r.ConnectP50Ms,
		firstErrorLine(r.FirstError))
	return err
}

func writeJSON(w io.Writer, v any) error {
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func firstErrorLine(e string) string {
	if e == "" {
		return ""
	}
	return "first error          " + e + "\n"
}

// writeIdle prints the idle-mode summary.
func writeIdle(w io.Writer, r idleResult, asJSON bool) error {
	if asJSON {
		return writeJSON(w, r)
	}
	_, err := fmt.Fprintf(w, `smtpload idle %s
requested            %d
opened               %d
failed               %d
open at end of hold  %d
held                 %.3f s
connect latency      p50 %.3f ms
%s`,
		r.Addr, r.Requested, r.Opened, r.Failed, r.OpenAtEnd, r.HoldS, r.ConnectP50Ms,
		firstErrorLine(r.FirstError))
	return err
}
