package consumer

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	applied, skipped, waiting, failed, dead prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, pool *pgxpool.Pool, js jetstream.JetStream, cfg Config) *metrics {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rapport_consumer_events_total", Help: "Events handled by a consumer, by outcome.",
		ConstLabels: prometheus.Labels{"consumer": cfg.Name},
	}, []string{"outcome"})
	m := &metrics{
		applied: events.WithLabelValues("applied"),
		skipped: events.WithLabelValues("duplicate"),
		waiting: events.WithLabelValues("out_of_order"),
		failed:  events.WithLabelValues("failed"),
		dead:    events.WithLabelValues("dead_lettered"),
	}
	if reg != nil {
		reg.MustRegister(events, &stateCollector{pool: pool, js: js, cfg: cfg})
	}
	return m
}

func (m *metrics) count(out outcome) {
	m.applied.Add(float64(out.applied))
	m.skipped.Add(float64(len(out.done) - out.applied))
	m.waiting.Add(float64(len(out.waiting)))
}

// stateCollector reads lag and dead letters at scrape time.
type stateCollector struct {
	pool *pgxpool.Pool
	js   jetstream.JetStream
	cfg  Config
}

var (
	lagDesc  = prometheus.NewDesc("rapport_consumer_lag", "Events in the stream not yet delivered to the consumer.", []string{"consumer"}, nil)
	ackDesc  = prometheus.NewDesc("rapport_consumer_ack_pending", "Events delivered but not yet acknowledged.", []string{"consumer"}, nil)
	deadDesc = prometheus.NewDesc("rapport_dead_letters", "Dead-lettered events not yet replayed.", []string{"consumer"}, nil)
)

func (s *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc; ch <- ackDesc; ch <- deadDesc }

func (s *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if c, err := s.js.Consumer(ctx, s.cfg.Stream, s.cfg.Name); err == nil {
		if info, err := c.Info(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(info.NumPending), s.cfg.Name)
			ch <- prometheus.MustNewConstMetric(ackDesc, prometheus.GaugeValue, float64(info.NumAckPending), s.cfg.Name)
		}
	}
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM dead_letter WHERE consumer = $1 AND replayed_at IS NULL", s.cfg.Name).Scan(&n); err == nil {
		ch <- prometheus.MustNewConstMetric(deadDesc, prometheus.GaugeValue, float64(n), s.cfg.Name)
	}
}
