package app

import (
	"context"
	"fmt"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/assistance"
	"atalaya/internal/directory"
)

// seedDemoAssistance fills technical assistance with a roster of three
// and three requests at different steps: Costa Rica's, just submitted by
// its government contact; Mexico's, in implementation with a pledge, an
// expert and a delivered training; Colombia's, closed after its external
// evaluation. So the board, the overdue list and this year's report have
// something to show. A store that has requests already is left alone.
func seedDemoAssistance(ctx context.Context, a *App, orgs directory.DemoOrgs) error {
	officer, err := ActorForEmail(ctx, a, "officer@secretariat.example")
	if err != nil {
		return err
	}
	if have, _, err := a.Assistance.List(ctx, officer, assistance.Filter{Limit: 1}); err != nil || len(have) > 0 {
		return err
	}
	contact, err := ActorForEmail(ctx, a, "contact@ministry-cr.example")
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	year := func(y int) assistance.Period {
		return assistance.Period{From: fmt.Sprintf("%d-01-01", now.Year()+y), To: fmt.Sprintf("%d-12-31", now.Year()+y)}
	}
	s := &demoTA{ctx: ctx, svc: a.Assistance, officer: officer}

	ruiz := s.expert(assistance.Expert{Kind: assistance.Individual, Name: "Elena Ruiz (demo)",
		Email: "elena.ruiz@university.example", Institution: "Universidad Interamericana de Ejemplo (demo)",
		Sector: assistance.Academia, Fields: []assistance.Topic{assistance.IncidentResponse, assistance.CSIRTManagement},
		Languages: []string{"es", "en"}, Available: []assistance.Period{year(0), year(1)}, Active: true})
	s.expert(assistance.Expert{Kind: assistance.PartnerInstitutionKind, Name: "Example Security Labs (demo)",
		Email: "programs@labs.example", Sector: assistance.PrivateSector, Fields: []assistance.Topic{assistance.Forensics},
		Languages: []string{"en", "pt"}, Available: []assistance.Period{year(0)}, Conflicts: []string{"CR"},
		ConflictNote: "Under contract with the government of Costa Rica (demo).", Active: true})
	s.expert(assistance.Expert{Kind: assistance.Individual, Name: "Marc Tremblay (demo)", Email: "marc@ngo.example",
		Institution: "Fundación Ejemplo para la Ciberseguridad (demo)", Sector: assistance.CivilSociety,
		Fields: []assistance.Topic{assistance.CriticalInfrastructure}, Languages: []string{"fr", "en"},
		Available: []assistance.Period{year(1)}, Active: true})

	// Costa Rica: filed by its government contact, waiting for the secretariat.
	cr := s.draft(contact, assistance.Form{Country: "CR",
		Institution: assistance.Institution{Name: "Ministerio de Ciencia, Innovación, Tecnología y Telecomunicaciones (demo)",
			Department: "Dirección de Gobernanza Digital", ContactPerson: "Ana Demo", Email: "contact@ministry-cr.example",
			Phone: "+506 2000 0000"},
		Need: "Modernizar el CSIRT nacional: procesos de gestión de incidentes y un catálogo de servicios.",
		Support: []assistance.Support{{Kind: assistance.CSIRTDevelopment, Priority: 1, Details: "Procesos y servicios"},
			{Kind: assistance.Training, Priority: 2, Details: "Análisis forense para 20 analistas"}},
		Topics: []assistance.Topic{assistance.IncidentResponse, assistance.Forensics}, Beneficiaries: "CSIRT-CR y ministerios",
		Partners:  []assistance.Partner{{Sector: assistance.Academia, Name: "Universidad de Costa Rica (demo)", Engaged: true}},
		Timeframe: fmt.Sprintf("%d-Q1", now.Year()+1), Resources: "Dos analistas a tiempo completo; sala de formación."})
	cr = s.submit(contact, cr)

	// Mexico: filed by the secretariat on the ministry's behalf, now in implementation.
	mx := s.draft(officer, assistance.Form{Country: "MX",
		Institution: assistance.Institution{Name: "Cancillería de México (demo)", Department: "Dirección de Ciberseguridad",
			ContactPerson: "Laura Demo", Email: "ciber@cancilleria-mx.example", Phone: "+52 55 0000 0000"},
		Need: "Ejercicio nacional de gestión de crisis y formación de los equipos sectoriales.",
		Support: []assistance.Support{{Kind: assistance.CrisisExercise, Priority: 1, Details: "Ejercicio de mesa nacional"},
			{Kind: assistance.Training, Priority: 2, Details: "Respuesta a incidentes"}},
		Topics: []assistance.Topic{assistance.CriticalInfrastructure, assistance.IncidentResponse}, Beneficiaries: "CSIRT sectoriales",
		Timeframe: fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())-1)/3+1), DonorsApproached: "Example Capacity Building Fund"})
	mx = s.submit(officer, mx)
	mx = s.move(mx, assistance.UnderConsideration)
	mx = s.consider(mx, assistance.Consideration{Staff: []string{officer.UserID}, WorkPlan: "Diseño del ejercicio y dos cursos.",
		Financial: assistance.Money{Amount: 1_000_000, Currency: "USD"}, InKind: "Plataforma de ejercicios del programa",
		Budget: assistance.Money{Amount: 6_000_000, Currency: "USD"}})
	s.proposal(mx, assistance.Proposal{DonorOrgID: orgs.ByShortName["DEMO-DONOR"], Donor: "Example Capacity Building Fund (demo)",
		Status: assistance.ProposalDrafted, Requested: assistance.Money{Amount: 5_000_000, Currency: "USD"}},
		assistance.ProposalSent, assistance.ProposalPledged)
	mx = s.move(mx, assistance.Design)
	s.analysis(mx, assistance.Analysis{Kind: assistance.Roundtable, Title: "Mesa redonda con los CSIRT sectoriales", Date: day(-20),
		Place: "Ciudad de México", Participants: map[assistance.Sector]int{assistance.Government: 12, assistance.PrivateSector: 8}})
	training := s.activity(mx, assistance.Activity{Title: "Curso de respuesta a incidentes", Kind: assistance.Training,
		Start: day(-10), End: day(-8), Budget: assistance.Money{Amount: 1_500_000, Currency: "USD"}})
	s.activity(mx, assistance.Activity{Title: "Ejercicio nacional de crisis", Kind: assistance.CrisisExercise,
		Start: day(30), End: day(31), Budget: assistance.Money{Amount: 3_000_000, Currency: "USD"}})
	s.assign(mx, training, ruiz)
	mx = s.move(mx, assistance.Implementation)
	s.deliver(mx, training, day(-8), 30, "30 analistas de 9 sectores formados; guía de respuesta adoptada.")

	// Colombia: the whole way to closed.
	co := s.draft(officer, assistance.Form{Country: "CO",
		Institution: assistance.Institution{Name: "Ministerio TIC de Colombia (demo)", ContactPerson: "Andrés Demo",
			Email: "estrategia@mintic-co.example"},
		Need:    "Actualizar la estrategia nacional de ciberseguridad con consulta pública.",
		Support: []assistance.Support{{Kind: assistance.NationalStrategy, Priority: 1}},
		Topics:  []assistance.Topic{assistance.InfoSecManagement}, Timeframe: fmt.Sprintf("%d-Q1/%d-Q4", now.Year(), now.Year())})
	co = s.submit(officer, co)
	co = s.move(co, assistance.UnderConsideration)
	co = s.consider(co, assistance.Consideration{Staff: []string{officer.UserID}, WorkPlan: "Talleres y redacción.",
		Budget: assistance.Money{Amount: 2_000_000, Currency: "USD"}})
	s.proposal(co, assistance.Proposal{DonorOrgID: orgs.ByShortName["DEMO-DONOR"], Donor: "Example Capacity Building Fund (demo)",
		Status: assistance.ProposalDrafted, Requested: assistance.Money{Amount: 2_000_000, Currency: "USD"}},
		assistance.ProposalSent, assistance.ProposalPledged, assistance.ProposalReceived)
	co = s.move(co, assistance.Design)
	s.analysis(co, assistance.Analysis{Kind: assistance.Survey, Title: "Encuesta nacional de madurez", Date: day(-60),
		Participants: map[assistance.Sector]int{assistance.Government: 40, assistance.Academia: 15, assistance.CivilSociety: 10}})
	workshop := s.activity(co, assistance.Activity{Title: "Talleres de redacción de la estrategia", Kind: assistance.NationalStrategy,
		Start: day(-45), End: day(-40), Budget: assistance.Money{Amount: 2_000_000, Currency: "USD"}})
	co = s.move(co, assistance.Implementation)
	s.deliver(co, workshop, day(-40), 45, "Borrador de la estrategia publicado para consulta pública.")
	co = s.move(co, assistance.FollowUp)
	s.mission(co, assistance.Mission{Kind: assistance.FollowUpMission, Start: day(-5), End: day(-4), Places: "Bogotá",
		Staff: []string{officer.UserID}, Report: "La estrategia fue adoptada; falta el plan de acción sectorial."})
	s.evaluate(co, assistance.Evaluation{Evaluator: "Evaluadores Externos Asociados (demo)", Date: day(-2),
		Results:    "Estrategia adoptada por decreto; gobernanza definida.",
		Challenges: []string{"Financiar el plan de acción sectorial", "Medir la implementación cada año"}})
	s.move(co, assistance.Closed)
	_ = cr
	return s.err
}

// demoTA runs the demo's calls, keeping the first error (the later calls
// then do nothing), so the seed reads as the story it tells.
type demoTA struct {
	ctx     context.Context
	svc     *assistance.Service
	officer access.Actor
	err     error
}

func (s *demoTA) fail(what string, err error) {
	if s.err == nil && err != nil {
		s.err = fmt.Errorf("demo assistance: %s: %w", what, err)
	}
}

func (s *demoTA) expert(e assistance.Expert) string {
	if s.err != nil {
		return ""
	}
	got, err := s.svc.SaveExpert(s.ctx, s.officer, e)
	s.fail("expert "+e.Name, err)
	return got.ID
}

func (s *demoTA) draft(by access.Actor, f assistance.Form) assistance.Request {
	if s.err != nil {
		return assistance.Request{}
	}
	r, err := s.svc.CreateDraft(s.ctx, by, f)
	s.fail("draft for "+f.Country, err)
	return r
}

func (s *demoTA) submit(by access.Actor, r assistance.Request) assistance.Request {
	if s.err != nil {
		return r
	}
	got, err := s.svc.Submit(s.ctx, by, r.ID, r.Version)
	s.fail("submitting "+r.Number, err)
	return got
}

func (s *demoTA) move(r assistance.Request, to assistance.State) assistance.Request {
	if s.err != nil {
		return r
	}
	got, err := s.svc.Move(s.ctx, s.officer, r.ID, r.Version, to, "")
	s.fail(fmt.Sprintf("moving %s to %s", r.Number, to), err)
	return got
}

func (s *demoTA) consider(r assistance.Request, c assistance.Consideration) assistance.Request {
	if s.err != nil {
		return r
	}
	got, err := s.svc.SetConsideration(s.ctx, s.officer, r.ID, r.Version, c)
	s.fail("consideration of "+r.Number, err)
	return got
}

// proposal saves p, then moves it through each later status (amounts
// pledged and received are the requested ones).
func (s *demoTA) proposal(r assistance.Request, p assistance.Proposal, then ...assistance.ProposalStatus) {
	if s.err != nil {
		return
	}
	got, err := s.svc.SaveProposal(s.ctx, s.officer, r.ID, p)
	s.fail("proposal of "+r.Number, err)
	for _, st := range then {
		if s.err != nil {
			return
		}
		got.Status = st
		switch st {
		case assistance.ProposalPledged:
			got.Pledged = got.Requested
		case assistance.ProposalReceived:
			got.Received = got.Pledged
		}
		got, err = s.svc.SaveProposal(s.ctx, s.officer, r.ID, got)
		s.fail(fmt.Sprintf("proposal of %s to %s", r.Number, st), err)
	}
}

func (s *demoTA) analysis(r assistance.Request, an assistance.Analysis) {
	if s.err != nil {
		return
	}
	_, err := s.svc.SaveAnalysis(s.ctx, s.officer, r.ID, an)
	s.fail("analysis of "+r.Number, err)
}

func (s *demoTA) activity(r assistance.Request, act assistance.Activity) string {
	if s.err != nil {
		return ""
	}
	got, err := s.svc.SaveActivity(s.ctx, s.officer, r.ID, act)
	s.fail("activity of "+r.Number, err)
	return got.ID
}

func (s *demoTA) assign(r assistance.Request, activityID, expertID string) {
	if s.err != nil {
		return
	}
	_, err := s.svc.AssignExpert(s.ctx, s.officer, r.ID, activityID, expertID)
	s.fail("expert of "+r.Number, err)
}

func (s *demoTA) deliver(r assistance.Request, activityID, on string, people int, results string) {
	if s.err != nil {
		return
	}
	_, err := s.svc.Deliver(s.ctx, s.officer, r.ID, activityID, on, people, results)
	s.fail("delivery for "+r.Number, err)
}

func (s *demoTA) mission(r assistance.Request, m assistance.Mission) {
	if s.err != nil {
		return
	}
	_, err := s.svc.SaveMission(s.ctx, s.officer, r.ID, m)
	s.fail("mission of "+r.Number, err)
}

func (s *demoTA) evaluate(r assistance.Request, e assistance.Evaluation) {
	if s.err != nil {
		return
	}
	_, err := s.svc.SetEvaluation(s.ctx, s.officer, r.ID, e)
	s.fail("evaluation of "+r.Number, err)
}
