package backbonetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

const (
	benchEvents = 10_000
	pacedEvents = 1_000
)

// latency is the p50 and p99, in ms, from an event's commit (its outbox
// row's creation) to its effect row, over accounts matching like ("" for all).
func latency(b *testing.B, l *ledger, like string) (p50, p99 float64) {
	if err := l.pool.QueryRow(context.Background(), `
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)
FROM (SELECT extract(epoch FROM e.applied_at - o.created_at) * 1000 AS ms
      FROM effect e JOIN outbox o ON o.id = e.event_id WHERE $1 = '' OR e.account LIKE $1) x`, like).Scan(&p50, &p99); err != nil {
		b.Fatal(err)
	}
	return p50, p99
}

// BenchmarkBackbone measures, in one run on one machine: the backbone's
// throughput from commit to consumer effect and its latency, next to the raw
// rates of its two parts (plain pgx insert transactions, plain JetStream
// publishes), and prints the ratios.
func BenchmarkBackbone(b *testing.B) {
	for range b.N {
		l := newLedgerTB(b)
		rawTx := testkit.BaselineTxRate(b, l.pool, benchEvents, 4)
		rawPub := rawPublishRate(b, l.js)

		relay := start(l.relay().Run)
		cons := start(l.consumer(consumer.Config{}, effect("bench")).Run)
		begin := time.Now()
		l.produce(benchEvents, 500, 4)
		for testkit.Count(b, l.pool, "SELECT count(*) FROM effect") < benchEvents {
			time.Sleep(5 * time.Millisecond)
		}
		elapsed := time.Since(begin)
		rate := float64(benchEvents) / elapsed.Seconds()
		loadP50, loadP99 := latency(b, l, "")

		// Latency without a backlog: 1,000 events at 250 a second.
		paced := time.Now()
		for i := range pacedEvents {
			if err := l.record(context.Background(), fmt.Sprintf("paced-%d", i%50), int64(i)); err != nil {
				b.Fatal(err)
			}
			time.Sleep(time.Until(paced.Add(time.Duration(i+1) * time.Second / 250)))
		}
		for testkit.Count(b, l.pool, "SELECT count(*) FROM effect") < benchEvents+pacedEvents {
			time.Sleep(5 * time.Millisecond)
		}
		relay.stop()
		cons.stop()
		p50, p99 := latency(b, l, "paced-%")
		b.ReportMetric(rate, "events/s")
		b.ReportMetric(p50, "p50-ms")
		b.ReportMetric(p99, "p99-ms")
		b.ReportMetric(rawTx, "raw-pgx-tx/s")
		b.ReportMetric(rawPub, "raw-js-pub/s")
		fmt.Printf("backbone: %d events, %.0f events/s commit->effect (latency under that load p50 %.0f ms p99 %.0f ms)\n", benchEvents, rate, loadP50, loadP99)
		fmt.Printf("backbone: end-to-end latency commit->effect at 250 events/s: p50 %.1f ms p99 %.1f ms\n", p50, p99)
		fmt.Printf("baseline (same run): plain pgx insert transactions %.0f tx/s, plain JetStream async publishes %.0f msg/s\n", rawTx, rawPub)
		fmt.Printf("ratios: backbone/pgx-tx %.2f, backbone/jetstream-publish %.2f\n", rate/rawTx, rate/rawPub)
	}
}

// rawPublishRate is plain JetStream: async publishes to a scratch stream,
// waiting for every ack.
func rawPublishRate(b *testing.B, js jetstream.JetStream) float64 {
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "RAW", Subjects: []string{"raw.>"}, Storage: jetstream.FileStorage}); err != nil {
		b.Fatal(err)
	}
	payload := []byte(`{"account":"acc-1","amount":1}`)
	begin := time.Now()
	for i := range benchEvents {
		if _, err := js.PublishAsync(fmt.Sprintf("raw.entry.%d", i%500), payload); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("raw publishes not acknowledged within a minute")
	}
	return float64(benchEvents) / time.Since(begin).Seconds()
}
