package main

type benchCmd struct{}

func (benchCmd) Run(e *env) error { return runBench(e) }
