// Command contact runs the contact service alone.
package main

import (
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/services/contact"
)

func main() { runner.Main(contact.Service()) }
