package service

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rapportcrm/rapport/services/contact/store"
)

// importMetrics tell an operator whether imports move: rows written by this
// replica, jobs ended, and (read from the database at scrape time, so every
// replica reports the same) the jobs waiting or running and how long the
// oldest has waited. A pending job that keeps ageing means no worker runs.
type importMetrics struct {
	rows     *prometheus.CounterVec
	finished *prometheus.CounterVec
}

func newImportMetrics() importMetrics {
	return importMetrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rapport_contact_import_rows_total",
			Help: "Rows of import files written by this replica, by resource and result (created; already_stored, a stored party as stored; skipped, past the end of a form's list; or failed and reported; parent_created).",
		}, []string{"resource", "result"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rapport_contact_imports_finished_total",
			Help: "Import job attempts this replica ended, by status: done, failed, or retried (the attempt failed, not for its file, and the job waits to run again).",
		}, []string{"status"}),
	}
}

// RegisterMetrics registers the import metrics, and the follow-ups left to
// settle (SettleFollowUps), with reg.
func (s *Service) RegisterMetrics(reg prometheus.Registerer) {
	reg.MustRegister(s.metrics.rows, s.metrics.finished, &importQueueCollector{pool: s.Pool}, &settleBacklogCollector{pool: s.Pool})
}

// importQueueCollector counts the jobs waiting and running at scrape time.
type importQueueCollector struct {
	pool *pgxpool.Pool
}

var (
	importJobsDesc = prometheus.NewDesc("rapport_contact_imports",
		"Import jobs waiting for a worker (pending) or being written (running).", []string{"status"}, nil)
	importWaitDesc = prometheus.NewDesc("rapport_contact_import_oldest_pending_seconds",
		"How long the oldest pending import job has waited; 0 when none waits.", nil, nil)
)

func (c *importQueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- importJobsDesc
	ch <- importWaitDesc
}

func (c *importQueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var pending, running int64
	var wait float64
	err := c.pool.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'running'),
       coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8
FROM import_job WHERE status IN ('pending', 'running')`).Scan(&pending, &running, &wait)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(importJobsDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(importJobsDesc, prometheus.GaugeValue, float64(pending), "pending")
	ch <- prometheus.MustNewConstMetric(importJobsDesc, prometheus.GaugeValue, float64(running), "running")
	ch <- prometheus.MustNewConstMetric(importWaitDesc, prometheus.GaugeValue, wait)
}

// settleBacklogCollector counts, at scrape time, the parties whose
// follow-up SettleFollowUps has still to set after an upgrade, so every
// replica reports the same. It falls to 0 and stays there; a count that
// stops falling means no replica's job runs (its log says why).
type settleBacklogCollector struct {
	pool *pgxpool.Pool
}

var settleBacklogDesc = prometheus.NewDesc("rapport_contact_follow_ups_to_settle",
	"Parties whose follow-up is still to be set by the current rule after an upgrade (migration 00036); 0 once done.", nil, nil)

func (c *settleBacklogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- settleBacklogDesc }

func (c *settleBacklogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := store.FollowUpsToSettle(ctx, c.pool)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(settleBacklogDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(settleBacklogDesc, prometheus.GaugeValue, float64(n))
}
