// Package consumer is the idempotent, ordered JetStream consumer every service
// uses: a handler's writes commit in one transaction with an inbox row and the
// aggregate's position, the message is acknowledged after the commit, failures
// are retried with backoff and finally parked in a dead-letter table.
//
// Order per aggregate holds with any number of replicas: the consumer keeps
// the last applied sequence of each aggregate; the next one is applied, an
// older one is acknowledged and skipped, and one after a gap is negatively
// acknowledged with a delay because its predecessor is still on the way
// (for a handler that allows it, taken without it after Config.GapWait).
package consumer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/retry"
)

// Handler applies one event inside tx. Returning an error rolls the
// transaction back and schedules a retry.
type Handler func(ctx context.Context, tx pgx.Tx, e event.Event) error

// Config describes one durable consumer; zero fields take the defaults.
type Config struct {
	Name   string // durable consumer name, also the inbox key
	Stream string // stream to read, e.g. TRAINING
	// Subjects are the subjects the handler takes (NATS filters, "*" and
	// ">" allowed); empty means all. The consumer reads every subject of
	// the aggregates they name ("training.course.cancelled" reads
	// "training.course.>"): an aggregate's events are numbered across all
	// its subjects, so one the handler does not take must still move the
	// aggregate's position, or the next one it takes would wait for it
	// forever as after a gap.
	Subjects         []string
	Concurrency      int           // parallel workers (default 4)
	BatchSize        int           // events applied per transaction (default 50)
	MaxAttempts      int           // handler failures before dead-lettering (default 5)
	AckWait          time.Duration // redelivery of unacknowledged events (default 30s)
	MaxGapDeliveries int           // deliveries an event may wait for its predecessor (default 300)
	ReplayInterval   time.Duration // how often requested dead-letter replays are looked for (default 2s)
	InboxRetention   time.Duration // how long inbox rows are kept (default 14 days)
	StopTimeout      time.Duration // time given to in-flight batches at shutdown (default 10s)

	// GapWait, when set, is for a handler whose events each stand on
	// their own (a timeline entry per event), which an event is worth
	// applying without its predecessor: the predecessor may never come
	// (published before the consumer's subjects were widened to it). An
	// event after a gap waits that long for its predecessor, and so keeps
	// its order when that is only late; then it is applied without it, and
	// the aggregate's position moves past the gap. A predecessor that
	// still arrives is applied late, not dead-lettered. Unset, an event
	// waits MaxGapDeliveries and is dead-lettered.
	GapWait time.Duration

	// BeforeAck, when set, runs after a batch committed and before it is
	// acknowledged; an error abandons the acknowledgement as a crash would.
	// It exists for fault-injection tests.
	BeforeAck func() error
}

func (c *Config) defaults() {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxGapDeliveries <= 0 {
		c.MaxGapDeliveries = 300
	}
	if c.ReplayInterval <= 0 {
		c.ReplayInterval = 2 * time.Second
	}
	if c.InboxRetention <= 0 {
		c.InboxRetention = 14 * 24 * time.Hour
	}
	if c.StopTimeout <= 0 {
		c.StopTimeout = 10 * time.Second
	}
}

const (
	// resubscribeDelay paces new subscriptions after one ended.
	resubscribeDelay = 500 * time.Millisecond
	// streamWaitDelay paces the checks for a stream that does not exist yet.
	streamWaitDelay = 2 * time.Second
	// unrecordedMaxDelay bounds the redelivery delay of an event whose
	// failure could not be recorded (the database down).
	unrecordedMaxDelay = 5 * time.Second
)

// Consumer runs one handler over one durable JetStream consumer.
type Consumer struct {
	pool    *pgxpool.Pool
	js      jetstream.JetStream
	handle  Handler
	cfg     Config
	tracer  trace.Tracer
	log     *slog.Logger
	metrics *metrics
	lastGC  time.Time
	// unrecorded follows failures to record a handler's failure: the
	// database down, which every event in flight meets at once.
	unrecorded *retry.Streak
}

// New returns a consumer; Run starts it.
func New(pool *pgxpool.Pool, js jetstream.JetStream, h Handler, tp trace.TracerProvider, log *slog.Logger, reg prometheus.Registerer, cfg Config) *Consumer {
	cfg.defaults()
	log = log.With("component", "consumer", "consumer", cfg.Name)
	return &Consumer{
		pool: pool, js: js, handle: h, cfg: cfg,
		tracer:     tp.Tracer("github.com/rapportcrm/rapport/pkg/consumer"),
		log:        log,
		metrics:    newMetrics(reg, pool, js, cfg),
		unrecorded: retry.NewStreak(log, "recording handler failures"),
	}
}

// Name is the durable name.
func (c *Consumer) Name() string { return c.cfg.Name }

// Run consumes until ctx ends, then lets in-flight batches finish (bounded by
// StopTimeout), hands buffered events back to JetStream and returns.
func (c *Consumer) Run(ctx context.Context) error {
	// Work continues on its own context after ctx ends, so a batch that has
	// started is finished and acknowledged rather than abandoned.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	lanes := make([]chan jetstream.Msg, c.cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan jetstream.Msg, c.cfg.BatchSize*2)
		wg.Add(1)
		go func(in <-chan jetstream.Msg) {
			defer wg.Done()
			c.lane(work, in)
		}(lanes[i])
	}
	replayDone := make(chan struct{})
	go func() {
		defer close(replayDone)
		c.replayLoop(ctx, work)
	}()

	closed := make(chan struct{})
	deliver := func(m jetstream.Msg) {
		select {
		case lanes[lane(m, len(lanes))] <- m:
		case <-closed:
			_ = m.Nak()
		}
	}
	waiting := false
	subscribing := retry.NewStreak(c.log, "consuming")
	for ctx.Err() == nil {
		// A pull subscription ends when the server loses the consumer for a
		// moment (a broker restart): subscribe again rather than go quiet.
		err := c.consume(ctx, deliver, func() { subscribing.Succeeded(ctx) })
		if err == nil || ctx.Err() != nil {
			waiting = false
			continue
		}
		delay := resubscribeDelay
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			// The service that owns the stream has not started yet (a
			// service run alone, or started first): not a fault, so say it
			// once and look again now and then.
			if !waiting {
				c.log.Info("stream does not exist yet; waiting for it", "stream", c.cfg.Stream)
			}
			waiting, delay = true, streamWaitDelay
		} else {
			// The broker down: wait longer after each failure and say so
			// once, not every half second.
			waiting = false
			delay = max(resubscribeDelay, subscribing.Failed(ctx, err))
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
	}
	close(closed)
	for _, l := range lanes {
		close(l)
	}
	timer := time.AfterFunc(c.cfg.StopTimeout, stopWork)
	defer timer.Stop()
	wg.Wait()
	<-replayDone
	return nil
}

// consume declares the durable consumer and feeds deliver until ctx ends or
// the subscription does; subscribed runs once the subscription stands.
func (c *Consumer) consume(ctx context.Context, deliver func(jetstream.Msg), subscribed func()) error {
	cons, err := c.js.CreateOrUpdateConsumer(ctx, c.cfg.Stream, jetstream.ConsumerConfig{
		Durable:        c.cfg.Name,
		FilterSubjects: aggregateFilters(c.cfg.Subjects),
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.cfg.AckWait,
		MaxDeliver:     -1, // attempts are counted in Postgres; gaps must not use them up
		MaxAckPending:  c.cfg.Concurrency * c.cfg.BatchSize * 4,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return fmt.Errorf("declare consumer %s on %s: %w", c.cfg.Name, c.cfg.Stream, err)
	}
	cc, err := cons.Consume(deliver,
		jetstream.PullMaxMessages(c.cfg.Concurrency*c.cfg.BatchSize*2),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			c.log.Debug("consume", "err", err)
		}))
	if err != nil {
		return fmt.Errorf("consume %s: %w", c.cfg.Name, err)
	}
	subscribed()
	select {
	case <-ctx.Done():
		cc.Stop()
		<-cc.Closed()
		return nil
	case <-cc.Closed():
		return fmt.Errorf("subscription of %s ended", c.cfg.Name)
	}
}

// lane sends all events of one aggregate to the same worker of this process,
// so that within a process they are applied in delivery order.
func lane(m jetstream.Msg, n int) int {
	h := fnv.New32a()
	h.Write([]byte(m.Headers().Get(event.HeaderAggregateType)))
	h.Write([]byte{0})
	h.Write([]byte(m.Headers().Get(event.HeaderSubject)))
	return int(h.Sum32() % uint32(n))
}

// lane collects what is waiting, up to a batch, and applies it.
func (c *Consumer) lane(ctx context.Context, in <-chan jetstream.Msg) {
	batch := make([]jetstream.Msg, 0, c.cfg.BatchSize)
	for first := range in {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < c.cfg.BatchSize {
			select {
			case m, ok := <-in:
				if !ok {
					break fill
				}
				batch = append(batch, m)
			default:
				break fill
			}
		}
		if ctx.Err() != nil {
			nakAll(batch)
			continue
		}
		c.process(ctx, batch)
	}
}

func nakAll(ms []jetstream.Msg) {
	for _, m := range ms {
		_ = m.Nak()
	}
}

// process applies a batch in one transaction; when anything in it fails, it
// falls back to one transaction per event so that one bad event cannot hold
// back the others.
func (c *Consumer) process(ctx context.Context, msgs []jetstream.Msg) {
	items := make([]item, 0, len(msgs))
	for _, m := range msgs {
		e, err := event.Decode(m.Subject(), m.Headers(), m.Data())
		if err != nil {
			// A malformed event can never succeed: park it at once.
			c.deadLetter(ctx, item{msg: m, e: e}, err, 1, false)
			continue
		}
		items = append(items, item{msg: m, e: e})
	}
	if len(items) == 0 {
		return
	}
	out, err := c.apply(ctx, items)
	if err == nil {
		c.unrecorded.Succeeded(ctx)
		c.settle(out)
		return
	}
	if ctx.Err() != nil {
		return // shutting down hard: JetStream redelivers after AckWait
	}
	if len(items) == 1 {
		c.fail(ctx, items[0], err)
		return
	}
	for _, it := range items {
		out, err := c.apply(ctx, []item{it})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.fail(ctx, it, err)
			continue
		}
		c.settle(out)
	}
}

// settle acknowledges what was applied or skipped and delays what waits for a predecessor.
func (c *Consumer) settle(out outcome) {
	if c.cfg.BeforeAck != nil {
		if err := c.cfg.BeforeAck(); err != nil {
			return
		}
	}
	for _, m := range out.done {
		_ = m.Ack()
	}
	for _, m := range out.waiting {
		md, err := m.Metadata()
		n := uint64(1)
		if err == nil {
			n = md.NumDelivered
		}
		_ = m.NakWithDelay(gapDelay(n))
	}
	c.metrics.count(out)
}

// fail records a failed attempt outside the failed transaction, then retries
// later with backoff or, after MaxAttempts, parks the event.
func (c *Consumer) fail(ctx context.Context, it item, cause error) {
	var attempts int
	err := c.pool.QueryRow(ctx, `
INSERT INTO consumer_failure AS f (consumer, event_id, attempts, last_error) VALUES ($1, $2, 1, $3)
ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = f.attempts + 1, last_error = $3, updated_at = now()
RETURNING attempts`, c.cfg.Name, it.e.ID, cause.Error()).Scan(&attempts)
	if err != nil {
		// Postgres itself is unreachable: not the event's fault, retry
		// without counting. Every event in flight fails at once, so the
		// streak grows fast: its delay is capped lower than a loop's, for
		// the events to be applied soon after the database is back.
		_ = it.msg.NakWithDelay(min(c.unrecorded.Failed(ctx, fmt.Errorf("event %s: %w", it.e.ID, err)), unrecordedMaxDelay))
		return
	}
	c.unrecorded.Succeeded(ctx)
	c.metrics.failed.Inc()
	if attempts >= c.cfg.MaxAttempts {
		c.deadLetter(ctx, it, cause, attempts, true)
		return
	}
	c.log.Warn("handler failed; will retry", "event_id", it.e.ID, "type", it.e.Type, "attempt", attempts, "err", cause)
	_ = it.msg.NakWithDelay(backoff(attempts))
}

// backoff grows from 100ms, doubling, up to 30s.
func backoff(attempt int) time.Duration {
	d := 100 * time.Millisecond << min(attempt-1, 9)
	return min(d, 30*time.Second)
}

// gapDelay grows slowly: a predecessor is usually milliseconds away.
func gapDelay(delivered uint64) time.Duration {
	return min(time.Duration(delivered)*20*time.Millisecond, 2*time.Second)
}

// gapWaited is how long an event delivered for the delivered-th time has
// at least waited for its predecessor: the delays it was given before.
func gapWaited(delivered uint64) time.Duration {
	var d time.Duration
	for n := uint64(1); n < delivered; n++ {
		d += gapDelay(n)
	}
	return d
}

// Errors for a consumer whose predecessor never came.
var errGapTimeout = errors.New("predecessor event never arrived")
