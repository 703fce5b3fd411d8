package contact_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// cpuMeter reads the CPU time spent so far by this process (the service, its
// embedded NATS server and the benchmark) and by the Postgres cluster behind
// a pool, so a benchmark can say how many core-seconds a piece of work took
// on each side, not only how long it lasted. It reads /proc: Linux only.
type cpuMeter struct {
	postmaster int
}

// cpuTime is CPU time spent by this process and by Postgres.
type cpuTime struct {
	self, postgres time.Duration
}

func (c cpuTime) sub(d cpuTime) cpuTime {
	return cpuTime{self: c.self - d.self, postgres: c.postgres - d.postgres}
}

func (c cpuTime) add(d cpuTime) cpuTime {
	return cpuTime{self: c.self + d.self, postgres: c.postgres + d.postgres}
}

func (c cpuTime) div(n int) cpuTime {
	return cpuTime{self: c.self / time.Duration(n), postgres: c.postgres / time.Duration(n)}
}

func (c cpuTime) total() time.Duration { return c.self + c.postgres }

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// newCPUMeter finds the postmaster: the parent of a backend of pool.
func newCPUMeter(b *testing.B, pool *pgxpool.Pool) cpuMeter {
	b.Helper()
	var backend int
	if err := pool.QueryRow(context.Background(), `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		b.Fatalf("backend pid: %v", err)
	}
	st, err := procStat(backend)
	if err != nil {
		b.Fatalf("backend %d: %v", backend, err)
	}
	return cpuMeter{postmaster: st.ppid}
}

// read returns the CPU time used so far. Postgres' share is the postmaster's
// own time, the time of the backends and workers it has reaped (cutime,
// cstime) and that of those still running.
func (m cpuMeter) read(b *testing.B) cpuTime {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	self := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	root, err := procStat(m.postmaster)
	if err != nil {
		b.Fatalf("postmaster %d: %v", m.postmaster, err)
	}
	pg := root.ticks + root.childTicks
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(dir))
		if st, err := procStat(pid); err == nil && st.ppid == m.postmaster {
			pg += st.ticks // a process that ended meanwhile is skipped
		}
	}
	return cpuTime{self: self, postgres: time.Duration(pg) * clockTick}
}

type stat struct {
	ppid              int
	ticks, childTicks int64
}

// procStat reads the parent and the CPU ticks of a process from
// /proc/<pid>/stat, whose second field (the command) may hold spaces: the
// fields are counted from the last ')'.
func procStat(pid int) (stat, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	end := bytes.LastIndexByte(raw, ')')
	if end < 0 {
		return stat{}, fmt.Errorf("stat of %d: no command", pid)
	}
	// After the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
	f := bytes.Fields(raw[end+1:])
	if len(f) < 15 {
		return stat{}, fmt.Errorf("stat of %d: %d fields", pid, len(f))
	}
	n := func(i int) int64 { v, _ := strconv.ParseInt(string(f[i]), 10, 64); return v }
	return stat{ppid: int(n(1)), ticks: n(11) + n(12), childTicks: n(13) + n(14)}, nil
}
