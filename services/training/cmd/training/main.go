// Command training runs the training service.
package main

import (
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/services/training"
)

func main() { runner.Main(training.Service()) }
