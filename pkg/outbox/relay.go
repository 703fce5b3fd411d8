package outbox

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/natstrace"
	"github.com/rapportcrm/rapport/pkg/retry"
)

// RelayConfig tunes a relay; zero fields take the defaults.
type RelayConfig struct {
	Service      string        // names the leadership lock, the channel and the metrics
	BatchSize    int           // events per round trip to JetStream (default 500)
	PollInterval time.Duration // fallback when no notification arrives (default 1s)
	AckTimeout   time.Duration // how long to wait for a batch's acks (default 10s)
	Retention    time.Duration // how long published events are kept (default 7 days)
}

func (c *RelayConfig) defaults() {
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 10 * time.Second
	}
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
}

// Relay publishes committed outbox rows to JetStream. Any number of replicas
// may run: one holds a Postgres advisory lock and relays, the others wait as
// hot standbys and take over when its connection drops. A batch is also
// locked FOR UPDATE SKIP LOCKED, so a holder that lost its lock without
// noticing cannot send the same rows as its successor.
type Relay struct {
	pool      *pgxpool.Pool
	js        jetstream.JetStream
	tracer    trace.Tracer
	log       *slog.Logger
	cfg       RelayConfig
	published prometheus.Counter
	lockKey   int64
	lastPrune time.Time
	streak    *retry.Streak
}

// NewRelay returns a relay for the outbox in pool's schema.
func NewRelay(pool *pgxpool.Pool, js jetstream.JetStream, tp trace.TracerProvider, log *slog.Logger, reg prometheus.Registerer, cfg RelayConfig) *Relay {
	cfg.defaults()
	h := fnv.New64a()
	fmt.Fprintf(h, "rapport outbox relay %s", cfg.Service)
	published := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "rapport_outbox_published_total", Help: "Events the relay published and JetStream acknowledged.",
		ConstLabels: prometheus.Labels{"service": cfg.Service},
	})
	if reg != nil {
		reg.MustRegister(published, &backlogCollector{pool: pool, service: cfg.Service})
	}
	// The logger names the service already (the process's "service", and
	// "context" inside rapport dev); adding "service" again wrote the key
	// twice in one JSON line, which log stores read as either value.
	return &Relay{
		pool: pool, js: js, tracer: tp.Tracer("github.com/rapportcrm/rapport/pkg/outbox"),
		log: log.With("component", "outbox-relay"), cfg: cfg,
		published: published, lockKey: int64(h.Sum64() >> 1),
		streak: retry.NewStreak(log.With("component", "outbox-relay"), "outbox relay"),
	}
}

// Run relays until ctx ends, then publishes what is left (bounded by the
// ack timeout) if it was the active relay, and returns.
func (r *Relay) Run(ctx context.Context) error {
	for {
		err := r.lead(ctx)
		if ctx.Err() != nil {
			return nil
		}
		// While the database or the broker is down, wait longer after each
		// failure and say so once, not every second.
		wait := r.cfg.PollInterval
		if err != nil {
			wait = r.streak.Failed(ctx, err)
		} else {
			r.streak.Succeeded(ctx) // a standby that reached the database
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// lead waits for leadership and relays while it holds it.
func (r *Relay) lead(ctx context.Context) error {
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire relay connection: %w", err)
	}
	// The lock lives on this connection: give it back to the pool closed, so
	// no other user inherits the lock or the LISTEN.
	defer func() { _ = conn.Conn().Close(context.Background()); conn.Release() }()

	var leader bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", r.lockKey).Scan(&leader); err != nil {
		return fmt.Errorf("try relay lock: %w", err)
	}
	if !leader {
		return nil // a standby: Run tries again after the poll interval
	}
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{schema + "_outbox"}.Sanitize()); err != nil {
		return fmt.Errorf("listen for outbox inserts: %w", err)
	}
	r.log.Info("relay active")
	for {
		if err := r.drain(ctx); err != nil {
			if ctx.Err() != nil {
				return r.flush()
			}
			return err
		}
		r.streak.Succeeded(ctx)
		r.prune(ctx)
		wait, cancel := context.WithTimeout(ctx, r.cfg.PollInterval)
		_, err := conn.Conn().WaitForNotification(wait)
		cancel()
		if ctx.Err() != nil {
			return r.flush()
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("wait for outbox notification: %w", err)
		}
	}
}

// flush publishes what is left at shutdown, bounded by the ack timeout.
func (r *Relay) flush() error {
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.AckTimeout)
	defer cancel()
	if err := r.drain(ctx); err != nil {
		r.log.Warn("outbox not flushed at shutdown; the next relay sends the rest", "err", err)
	}
	return nil
}

// drain publishes batches until none is left.
func (r *Relay) drain(ctx context.Context) error {
	for {
		n, err := r.publishBatch(ctx)
		if err != nil {
			return err
		}
		if n < r.cfg.BatchSize {
			return nil
		}
	}
}

type row struct {
	position    int64
	e           event.Event
	headers     map[string]string
	republished int
}

// publishBatch sends one batch with asynchronous publishes and marks the
// acknowledged rows published. Rows whose ack did not come stay unpublished
// and are sent again; Nats-Msg-Id and the consumers' inboxes absorb repeats.
func (r *Relay) publishBatch(ctx context.Context) (int, error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin relay batch: %w", err)
	}
	defer tx.Rollback(context.Background())

	rows, err := tx.Query(ctx, `
SELECT position, id, aggregate_type, aggregate_id, aggregate_seq, subject, type, source, occurred_at, payload, headers, republished
FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`, r.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("read outbox batch: %w", err)
	}
	batch, err := pgx.CollectRows(rows, func(rw pgx.CollectableRow) (row, error) {
		var x row
		var payload []byte
		err := rw.Scan(&x.position, &x.e.ID, &x.e.AggregateType, &x.e.AggregateID, &x.e.Sequence, &x.e.Subject,
			&x.e.Type, &x.e.Source, &x.e.Time, &payload, &x.headers, &x.republished)
		x.e.Data = payload
		return x, err
	})
	if err != nil {
		return 0, fmt.Errorf("scan outbox batch: %w", err)
	}
	if len(batch) == 0 {
		return 0, nil
	}

	futures := make([]jetstream.PubAckFuture, 0, len(batch))
	spans := make([]trace.Span, 0, len(batch))
	var pubErr error
	for _, x := range batch {
		parent := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier(x.headers))
		h := nats.Header{}
		_, span := natstrace.StartPublish(parent, r.tracer, natstrace.Message{
			Subject: x.e.Subject, ID: x.e.ID.String(), Type: x.e.Type, PayloadSize: len(x.e.Data)}, h)
		msg := x.e.Msg(h)
		if x.republished > 0 {
			msg.Header.Set(nats.MsgIdHdr, x.e.ID.String()+"/"+strconv.Itoa(x.republished))
		}
		f, err := r.js.PublishMsgAsync(msg)
		if err != nil {
			pubErr = err
			endSpans([]trace.Span{span}, err)
			break
		}
		futures = append(futures, f)
		spans = append(spans, span)
	}

	acked := make([]int64, 0, len(futures))
	timeout := time.NewTimer(r.cfg.AckTimeout)
	defer timeout.Stop()
wait:
	for i, f := range futures {
		select {
		case <-f.Ok():
			acked = append(acked, batch[i].position)
			spans[i].End()
		case err := <-f.Err():
			pubErr = err
			endSpans(spans[i:i+1], err)
		case <-timeout.C:
			pubErr = errors.New("timed out waiting for publish acks")
			endSpans(spans[i:], pubErr)
			break wait
		case <-ctx.Done():
			endSpans(spans[i:], ctx.Err())
			return 0, ctx.Err()
		}
	}
	if len(acked) > 0 {
		if _, err := tx.Exec(ctx, "UPDATE outbox SET published_at = now() WHERE position = ANY($1)", acked); err != nil {
			return 0, fmt.Errorf("mark %d events published: %w", len(acked), err)
		}
		if err := tx.Commit(ctx); err != nil {
			return 0, fmt.Errorf("commit relay batch: %w", err)
		}
		r.published.Add(float64(len(acked)))
	}
	if pubErr != nil || len(acked) < len(batch) {
		return 0, fmt.Errorf("published %d of %d events: %v", len(acked), len(batch), pubErr)
	}
	return len(batch), nil
}

func endSpans(spans []trace.Span, err error) {
	for _, s := range spans {
		s.RecordError(err)
		s.SetStatus(codes.Error, err.Error())
		s.End()
	}
}

// prune deletes published events older than the retention, at most once a minute.
func (r *Relay) prune(ctx context.Context) {
	if time.Since(r.lastPrune) < time.Minute {
		return
	}
	r.lastPrune = time.Now()
	tag, err := r.pool.Exec(ctx, "DELETE FROM outbox WHERE published_at < now() - $1 * interval '1 second'", r.cfg.Retention.Seconds())
	if err != nil {
		r.log.Warn("prune outbox", "err", err)
		return
	}
	if tag.RowsAffected() > 0 {
		r.log.Info("pruned published events", "count", tag.RowsAffected())
	}
}

// backlogCollector reads the backlog at scrape time, so the relay's hot path
// does not count rows.
type backlogCollector struct {
	pool    *pgxpool.Pool
	service string
}

var (
	backlogDesc = prometheus.NewDesc("rapport_outbox_backlog", "Events committed but not yet acknowledged by JetStream.", []string{"service"}, nil)
	ageDesc     = prometheus.NewDesc("rapport_outbox_oldest_age_seconds", "Age of the oldest unpublished event.", []string{"service"}, nil)
)

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- backlogDesc; ch <- ageDesc }

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var n int64
	var age float64
	err := c.pool.QueryRow(ctx, `
SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
FROM outbox WHERE published_at IS NULL`).Scan(&n, &age)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(backlogDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(n), c.service)
	ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age, c.service)
}
