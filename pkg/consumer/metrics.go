package consumer

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	applied, skipped, duplicate, waiting, failed, dead prometheus.Counter
	// pastGap counts the events taken, or passed, without a predecessor
	// that did not come in time (Config.GapWait): each leaves a gap.
	pastGap prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, pool *pgxpool.Pool, js jetstream.JetStream, cfg Config) *metrics {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rapport_consumer_events_total", Help: "Events handled by a consumer, by outcome.",
		ConstLabels: prometheus.Labels{"consumer": cfg.Name},
	}, []string{"outcome"})
	m := &metrics{
		applied: events.WithLabelValues("applied"),
		// skipped and duplicate were once one outcome, labelled
		// duplicate, which sent operators looking for redeliveries that
		// were only events of subjects the consumer does not handle.
		skipped:   events.WithLabelValues("skipped"),
		duplicate: events.WithLabelValues("duplicate"),
		waiting:   events.WithLabelValues("out_of_order"),
		failed:    events.WithLabelValues("failed"),
		dead:      events.WithLabelValues("dead_lettered"),
		pastGap:   events.WithLabelValues("past_gap"),
	}
	if reg != nil {
		reg.MustRegister(events, newStateCollector(pool, js, cfg))
	}
	return m
}

func (m *metrics) count(out outcome) {
	m.applied.Add(float64(out.applied))
	m.skipped.Add(float64(out.skipped))
	m.duplicate.Add(float64(out.duplicates))
	m.waiting.Add(float64(len(out.waiting)))
	m.pastGap.Add(float64(out.pastGap))
}

// stateCollector reads lag and dead letters at scrape time.
type stateCollector struct {
	pool                    *pgxpool.Pool
	js                      jetstream.JetStream
	cfg                     Config
	lagDesc, ackDesc, dDesc *prometheus.Desc
}

func newStateCollector(pool *pgxpool.Pool, js jetstream.JetStream, cfg Config) *stateCollector {
	l := prometheus.Labels{"consumer": cfg.Name}
	return &stateCollector{pool: pool, js: js, cfg: cfg,
		lagDesc: prometheus.NewDesc("rapport_consumer_lag", "Events in the stream not yet delivered to the consumer.", nil, l),
		ackDesc: prometheus.NewDesc("rapport_consumer_ack_pending", "Events delivered but not yet acknowledged.", nil, l),
		dDesc:   prometheus.NewDesc("rapport_dead_letters", "Dead-lettered events not yet replayed.", nil, l),
	}
}

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.lagDesc
	ch <- s.ackDesc
	ch <- s.dDesc
}

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if c, err := s.js.Consumer(ctx, s.cfg.Stream, s.cfg.Name); err == nil {
		if info, err := c.Info(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(s.lagDesc, prometheus.GaugeValue, float64(info.NumPending))
			ch <- prometheus.MustNewConstMetric(s.ackDesc, prometheus.GaugeValue, float64(info.NumAckPending))
		}
	}
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM dead_letter WHERE consumer = $1 AND replayed_at IS NULL", s.cfg.Name).Scan(&n); err == nil {
		ch <- prometheus.MustNewConstMetric(s.dDesc, prometheus.GaugeValue, float64(n))
	}
}
