package netio

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// LogLimiter passes at most burst warnings per interval to a logger and
// counts the others, so that a peer sending junk cannot turn each bad frame
// into a log line. The first warning let through after some were held back
// carries "suppressed", the number held back since the last one that was
// logged. It is safe for concurrent use.
type LogLimiter struct {
	log      *slog.Logger
	burst    int
	interval time.Duration

	mu         sync.Mutex
	start      time.Time // of the current interval
	passed     int       // in the current interval
	suppressed uint64    // since the last record logged
	total      uint64    // suppressed, ever
}

// NewLogLimiter returns a LogLimiter writing to log.
func NewLogLimiter(log *slog.Logger, burst int, interval time.Duration) *LogLimiter {
	return &LogLimiter{log: log, burst: max(burst, 1), interval: interval}
}

// Warn logs msg at Warn level with args, unless the burst of the current
// interval is spent. It reports whether it logged.
func (l *LogLimiter) Warn(msg string, args ...any) bool {
	return l.Log(slog.LevelWarn, msg, args...)
}

// Log is Warn at another level.
func (l *LogLimiter) Log(level slog.Level, msg string, args ...any) bool {
	if !l.log.Enabled(context.Background(), level) {
		return false
	}
	now := time.Now()
	l.mu.Lock()
	if now.Sub(l.start) >= l.interval {
		l.start, l.passed = now, 0
	}
	if l.passed >= l.burst {
		l.suppressed++
		l.total++
		l.mu.Unlock()
		return false
	}
	l.passed++
	held := l.suppressed
	l.suppressed = 0
	l.mu.Unlock()
	if held > 0 {
		args = append(args, "suppressed", held)
	}
	l.log.Log(context.Background(), level, msg, args...)
	return true
}

// Suppressed returns how many records were held back in all.
func (l *LogLimiter) Suppressed() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}
