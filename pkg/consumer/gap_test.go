package consumer

import (
	"testing"
	"time"
)

// An event after a gap has waited for its predecessor the delays it was
// given before this delivery: 20 ms more each time, at most 2 s a time.
func TestTheWaitOfAnEventAfterAGapIsTheDelaysItWasGiven(t *testing.T) {
	for _, c := range []struct {
		delivered uint64
		want      time.Duration
	}{
		{0, 0},
		{1, 0},
		{2, 20 * time.Millisecond},
		{4, 120 * time.Millisecond},   // 20 + 40 + 60
		{11, 1100 * time.Millisecond}, // 20 × (1 + ... + 10)
		{101, 101 * time.Second},      // 20 ms × 5,050: the last step is 2 s
		{111, 101*time.Second + 10*2*time.Second}, // then 2 s a delivery
	} {
		if got := gapWaited(c.delivered); got != c.want {
			t.Errorf("gapWaited(%d) = %s, want %s", c.delivered, got, c.want)
		}
	}
}
