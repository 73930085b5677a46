package deliver

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"exigo/internal/conf"
	"exigo/internal/item"
	"exigo/internal/transport"
)

// chatty writes to the return file it is given and fails.
type chatty struct{}

func (chatty) Local() bool { return true }

func (chatty) Deliver(env *transport.Env, msg *transport.Message, addrs []*item.Address) {
	if env != nil && env.ReturnFile != nil {
		env.ReturnFile.WriteString("it went wrong\nsecond line\n")
	}
	addrs[0].Result, addrs[0].Message = item.Fail, "Child process of t transport returned 1"
}

// The delivery process makes the return file in msglog/ under Exim's
// name, hands it to the transport (here through RunAs, as to a worker),
// logs the first line just before the ** line, gives the failure report
// the file and removes it afterwards.
func TestReturnFile(t *testing.T) {
	d, _, id, dir := setup(t, "a@local.test")
	cfg, err := conf.Parse("t", "begin transports\nt:\n  driver = pipe\n  command = /bin/false\n  return_fail_output\n  log_output\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Config, d.Transports["t"] = cfg, chatty{}
	d.RunAs = func(uid, gid int, ig bool, name string, msg *transport.Message, addrs []*item.Address) error {
		f, err := os.OpenFile(addrs[0].ReturnFile, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		chatty{}.Deliver(&transport.Env{ReturnFile: f}, msg, addrs)
		return nil
	}
	var name, text string
	d.Bounce = func(msg *transport.Message, failed []*item.Address) error {
		name = failed[0].ReturnFile
		b, _ := os.ReadFile(name)
		text = string(b)
		return nil
	}
	if err := d.Deliver(id, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := d.Spool.MsglogPath(id) + fmt.Sprintf("-%d-0", os.Getpid()); name != want || text != "it went wrong\nsecond line\n" {
		t.Errorf("report got %q holding %q, want %q", name, text, want)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("return file left behind: %v", err)
	}
	lines := strings.Split(mainlog(dir), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, id+" <a@local.test>: t transport output: it went wrong") {
			if i+1 >= len(lines) || !strings.Contains(lines[i+1], id+" ** a@local.test R=r T=t: ") {
				t.Errorf("output line not just before the ** line:\n%s", mainlog(dir))
			}
			return
		}
	}
	t.Errorf("no output line:\n%s", mainlog(dir))
}
