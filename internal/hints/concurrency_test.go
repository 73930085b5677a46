package hints

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// increment adds one to the decimal counter under key.
func increment(d *DB, key string) error {
	return d.Update(key, func(old *Record) ([]byte, bool) {
		n := 0
		if old != nil {
			n, _ = strconv.Atoi(string(old.Data))
		}
		return []byte(strconv.Itoa(n + 1)), false
	})
}

func counter(t *testing.T, d *DB, key string) int {
	t.Helper()
	r, _, err := d.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(string(r.Data))
	return n
}

func TestConcurrentGoroutines(t *testing.T) {
	d, spool := openTemp(t, "ratelimit")
	const workers, each = 20, 25
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half the workers use their own handle, as separate
			// parts of a program would.
			h := d
			if w%2 == 1 {
				var err error
				if h, err = Open(spool, "ratelimit"); err != nil {
					t.Error(err)
					return
				}
				defer h.Close()
			}
			for i := 0; i < each; i++ {
				if err := increment(h, "n"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := counter(t, d, "n"); got != workers*each {
		t.Errorf("counter = %d, want %d", got, workers*each)
	}
}

const childEnv = "EXIGO_HINTS_CHILD_SPOOL"

// TestMain lets the test binary act as a second process that increments
// the shared counter.
func TestMain(m *testing.M) {
	if spool := os.Getenv(childEnv); spool != "" {
		os.Exit(childIncrements(spool))
	}
	os.Exit(m.Run())
}

const perProcess = 300

func childIncrements(spool string) int {
	d, err := Open(spool, "ratelimit")
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	defer d.Close()
	for i := 0; i < perProcess; i++ {
		if err := increment(d, "n"); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			return 1
		}
	}
	return 0
}

func TestConcurrentProcesses(t *testing.T) {
	spool := t.TempDir()
	var cmds []*exec.Cmd
	for i := 0; i < 2; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+spool)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process joins in too; the children are waited for before
	// failing, so that none is left writing in a removed directory.
	failed := childIncrements(spool) != 0
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("child: %v", err)
		}
	}
	if failed {
		t.Fatal("increments in the test process failed")
	}
	d, err := Open(spool, "ratelimit")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := counter(t, d, "n"); got != 3*perProcess {
		t.Errorf("counter = %d, want %d", got, 3*perProcess)
	}
}

func BenchmarkUpdate(b *testing.B) {
	d, _ := openTemp(b, "ratelimit")
	for b.Loop() {
		if err := increment(d, "n"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateParallel(b *testing.B) {
	d, _ := openTemp(b, "ratelimit")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := increment(d, "n"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	d, _ := openTemp(b, "ratelimit")
	increment(d, "n")
	for b.Loop() {
		if _, _, err := d.Get("n"); err != nil {
			b.Fatal(err)
		}
	}
}
