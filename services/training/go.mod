module github.com/rapportcrm/rapport/services/training

go 1.26.8

require github.com/rapportcrm/rapport/pkg v0.0.0

replace github.com/rapportcrm/rapport/pkg => ../../pkg
