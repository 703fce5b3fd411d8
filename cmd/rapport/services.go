package main

import (
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/training"
)

// services lists every service `rapport dev` runs, in start order.
func services() []runner.Service {
	return []runner.Service{contact.Service(), training.Service()}
}

// catalogue is the product's event catalogue.
func catalogue() *contract.Catalogue { return contract.Rapport() }
