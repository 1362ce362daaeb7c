package main

import "atalaya/internal/bench"

type benchCmd struct {
	DatabaseURL string `help:"postgres://… to measure PostgreSQL; empty means SQLite in a temporary directory." env:"ATALAYA_DATABASE_URL"`
	Requests    int    `help:"Requests per scenario (logins: a tenth)." default:"500"`
}

func (c *benchCmd) Run(e *env) error {
	_, err := bench.Run(e.ctx, bench.Options{DatabaseURL: c.DatabaseURL, Requests: c.Requests}, e.stdout)
	return err
}
