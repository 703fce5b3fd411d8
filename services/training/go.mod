module github.com/rapportcrm/rapport/services/training

go 1.26.8
