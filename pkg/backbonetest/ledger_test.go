package backbonetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/stream"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// EntryRecorded is the ledger's only event.
type EntryRecorded struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

var catalogue = contract.MustNew(contract.Entry{
	Subject: "ledger.account.entry_recorded", Version: 1, Payload: EntryRecorded{},
	Description: "An entry was recorded on an account (test-only).",
})

// The producer's table and the consumer's effect table. effect has no unique
// key on purpose: a duplicate effect must be visible, not refused.
var migrations = fstest.MapFS{
	"00001_ledger.sql": {Data: []byte(`
-- +goose Up
CREATE TABLE entry (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account text NOT NULL, amount bigint NOT NULL);
CREATE TABLE effect (event_id uuid NOT NULL, account text NOT NULL, seq bigint NOT NULL, amount bigint NOT NULL, replica text NOT NULL DEFAULT '', applied_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE INDEX effect_account ON effect (account, seq);
CREATE TABLE order_violation (account text NOT NULL, seq bigint NOT NULL, previous bigint);
-- +goose Down
DROP TABLE effect; DROP TABLE entry; DROP TABLE order_violation;
`)},
}

// ledger is one test's running backbone.
type ledger struct {
	t    testing.TB
	db   *testkit.Database
	pool *pgxpool.Pool
	nats *testkit.NATS
	js   jetstream.JetStream
	tp   trace.TracerProvider
	log  *slog.Logger
}

func newLedger(t *testing.T) *ledger { return newLedgerTB(t) }

func newLedgerTB(t testing.TB) *ledger {
	t.Helper()
	db := testkit.NewDatabase(t)
	l := &ledger{t: t, db: db, pool: db.Service(t, "ledger", migrations), nats: testkit.StartNATS(t),
		tp: noop.NewTracerProvider(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	_, l.js = l.nats.Connect(t)
	if _, err := stream.Ensure(context.Background(), l.js, stream.Config{Context: "ledger"}); err != nil {
		t.Fatal(err)
	}
	return l
}

// record commits one entry and its event in one transaction.
func (l *ledger) record(ctx context.Context, account string, amount int64) error {
	return pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO entry (account, amount) VALUES ($1, $2)", account, amount); err != nil {
			return err
		}
		e, err := catalogue.Event(account, time.Now(), EntryRecorded{Account: account, Amount: amount})
		if err != nil {
			return err
		}
		return outbox.Append(ctx, tx, &e)
	})
}

// effect is the consumer's handler: it writes one effect row and notes any
// event that arrives out of its aggregate's order.
func effect(replica string) consumer.Handler {
	return func(ctx context.Context, tx pgx.Tx, e event.Event) error {
		p, err := contract.Decode[EntryRecorded](e)
		if err != nil {
			return err
		}
		var prev *int64
		if err := tx.QueryRow(ctx, "SELECT max(seq) FROM effect WHERE account = $1", p.Account).Scan(&prev); err != nil {
			return err
		}
		if (prev == nil && e.Sequence != 1) || (prev != nil && *prev+1 != e.Sequence) {
			if _, err := tx.Exec(ctx, "INSERT INTO order_violation VALUES ($1, $2, $3)", p.Account, e.Sequence, prev); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "INSERT INTO effect (event_id, account, seq, amount, replica) VALUES ($1, $2, $3, $4, $5)",
			e.ID, p.Account, e.Sequence, p.Amount, replica)
		return err
	}
}

// worker starts and kills one background component.
type worker struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func start(run func(ctx context.Context) error) *worker {
	ctx, cancel := context.WithCancel(context.Background())
	r := &worker{cancel: cancel, done: make(chan struct{})}
	go func() { defer close(r.done); _ = run(ctx) }()
	return r
}

func (r *worker) stop() { r.cancel(); <-r.done }

func (l *ledger) relay() *outbox.Relay {
	return outbox.NewRelay(l.pool, l.js, l.tp, l.log, nil, outbox.RelayConfig{Service: "ledger", PollInterval: 200 * time.Millisecond, AckTimeout: 3 * time.Second})
}

func (l *ledger) consumer(cfg consumer.Config, h consumer.Handler) *consumer.Consumer {
	if cfg.Name == "" {
		cfg.Name = "ledger-effects"
	}
	cfg.Stream = "LEDGER"
	if cfg.AckWait == 0 {
		cfg.AckWait = 3 * time.Second
	}
	return consumer.New(l.pool, l.js, h, l.tp, l.log, nil, cfg)
}

// assertExactlyOnce checks that every entry has exactly one effect, in order,
// that nothing was dead-lettered and that the outbox is drained.
func (l *ledger) assertExactlyOnce(want int64) {
	t := l.t
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); testkit.Count(t, l.pool, "SELECT count(DISTINCT event_id) FROM effect") < want; {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d effects: %s", want, l.state())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM entry"); n != want {
		t.Fatalf("%d entries, want %d", n, want)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM effect"); n != want {
		t.Fatalf("%d effect rows for %d events: duplicates", n, want)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM order_violation"); n != 0 {
		t.Fatalf("%d events applied out of their aggregate's order", n)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM dead_letter"); n != 0 {
		t.Fatalf("%d dead letters", n)
	}
	testkit.Eventually(t, 30*time.Second, "outbox drained", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
	})
}

// state describes the backbone for a failure message.
func (l *ledger) state() string {
	ctx := context.Background()
	var effects, unpublished, dead int64
	_ = l.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM effect), (SELECT count(*) FROM outbox WHERE published_at IS NULL),
		(SELECT count(*) FROM dead_letter)`).Scan(&effects, &unpublished, &dead)
	s := fmt.Sprintf("effects=%d unpublished=%d dead=%d", effects, unpublished, dead)
	if c, err := l.js.Consumer(ctx, "LEDGER", "ledger-effects"); err == nil {
		if info, err := c.Info(ctx); err == nil {
			s += fmt.Sprintf(" pending=%d ack_pending=%d redelivered=%d", info.NumPending, info.NumAckPending, info.NumRedelivered)
		}
	}
	if st, err := l.js.Stream(ctx, "LEDGER"); err == nil {
		if info, err := st.Info(ctx); err == nil {
			s += fmt.Sprintf(" stream_msgs=%d", info.State.Msgs)
		}
	}
	return s
}

// produce records n entries over accounts accounts from workers goroutines,
// interleaving updates to every account.
func (l *ledger) produce(n, accounts, workers int) {
	l.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := l.record(context.Background(), fmt.Sprintf("acc-%d", i%accounts), int64(i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		l.t.Fatal(err)
	}
}

func TestEveryEventHasExactlyOneEffect(t *testing.T) {
	l := newLedger(t)
	relay := start(l.relay().Run)
	defer relay.stop()
	cons := start(l.consumer(consumer.Config{}, effect("a")).Run)
	defer cons.stop()
	l.produce(500, 50, 4)
	l.assertExactlyOnce(500)
}
