package directory

// The demo network. Every address, AS number and domain is reserved for
// documentation or lies under an example name, and every name is invented
// and marked "(demo)", so a demo never points at a real team or network.

type demoOrg struct {
	org     Organization
	entries []string // constituency, as a person would type it
	people  []demoPerson
}

type demoPerson struct {
	key    string // referred to by demoContacts
	person Person
}

type demoContact struct {
	country, person string
	kind            ContactKind
	on, ended, note string
}

// team builds a demo CSIRT.
func team(kind Kind, country, short, name, domain, tz, established string, first bool) Organization {
	t := &TeamProfile{
		Constituency:  "Demo constituency of " + name + ".",
		Email:         "cert@" + domain,
		Phone:         "+1 555 0100",
		Website:       "https://cert." + domain + "/",
		BusinessHours: "Mon–Fri 09:00–17:00",
		TimeZone:      tz,
		Established:   established,
		FIRSTMember:   first,
		Status:        Active,
	}
	if first {
		t.FIRSTSince = established[:4] + "-11-01"
	}
	return Organization{Kind: kind, Country: country, ShortName: short, Name: name, Email: "info@" + domain,
		Website: "https://" + domain + "/", Team: t}
}

func person(key, name, title, email, phone string) demoPerson {
	return demoPerson{key: key, person: Person{Name: name, Title: title, Email: email, Phone: phone}}
}

func demoOrganizations() []demoOrg {
	mx := team(NationalCSIRT, "MX", "DEMO-MX-NAT", "Centro Nacional de Respuesta a Incidentes de México (demo)",
		"example.gob.mx", "America/Mexico_City", "2012-05-15", true)
	mx.Team.Phone, mx.Team.EmergencyPhone = "+52 55 5555 0100", "+52 55 5555 0199"
	mx.Team.PGPFingerprint = "3A1F 9C2D 7B4E 6A85 0C1D  2E3F 4A5B 6C7D 8E9F 0A1B"
	bank := team(SectorCSIRT, "MX", "DEMO-MX-BANK", "CSIRT del Sector Bancario de México (demo)",
		"banca.example.com.mx", "America/Mexico_City", "2019-02-01", false)
	bank.Team.Sector = "banking"
	energy := team(SectorCSIRT, "BR", "DEMO-BR-ENERGY", "CSIRT do Setor Elétrico Brasileiro (demo)",
		"energia.example.com.br", "America/Sao_Paulo", "2018-08-20", false)
	energy.Team.Sector = "energy"
	forming := team(NationalCSIRT, "TT", "DEMO-TT-NAT", "Trinidad and Tobago Incident Response Team (demo)",
		"example.gov.tt", "America/Port_of_Spain", "2023-04-03", false)
	forming.Team.Status = Forming
	return []demoOrg{
		{mx, []string{"198.51.100.0/24", "2001:db8:100::/40", "AS64496", "example.gob.mx"}, []demoPerson{
			person("mx-ana", "Ana Lucía Torres", "Head of incident response", "ana.torres@example.gob.mx", "+52 55 5555 0101"),
			person("mx-jorge", "Jorge Ramírez", "Former head of the centre", "jorge.ramirez@example.gob.mx", ""),
		}},
		{bank, []string{"198.51.100.128/25", "AS64497", "banca.example.com.mx"}, []demoPerson{
			person("mx-bank", "Sofía Herrera", "Coordinator", "sofia.herrera@banca.example.com.mx", "+52 55 5555 0140"),
		}},
		{team(NationalCSIRT, "BR", "DEMO-BR-NAT", "Centro de Tratamento de Incidentes do Brasil (demo)",
			"example.gov.br", "America/Sao_Paulo", "2010-03-01", true),
			[]string{"192.0.2.0/25", "2001:db8:200::/40", "AS64498", "AS65536", "example.gov.br"}, []demoPerson{
				person("br-joao", "João Silva", "Gerente de resposta a incidentes", "joao.silva@example.gov.br", "+55 61 5555 0100"),
			}},
		{energy, []string{"192.0.2.128/27", "AS64499"}, nil},
		{team(NationalCSIRT, "CR", "DEMO-CR-NAT", "CSIRT Nacional de Costa Rica (demo)",
			"example.go.cr", "America/Costa_Rica", "2014-10-06", false),
			[]string{"192.0.2.160/27", "2001:db8:300::/40", "AS64500", "example.go.cr"}, []demoPerson{
				person("cr-carlos", "Carlos Jiménez", "Coordinador del CSIRT", "carlos.jimenez@example.go.cr", "+506 5555 0100"),
			}},
		{team(NationalCSIRT, "CL", "DEMO-CL-NAT", "Equipo de Respuesta ante Incidentes de Chile (demo)",
			"example.gob.cl", "America/Santiago", "2015-01-12", true),
			[]string{"203.0.113.0/25", "2001:db8:400::/40", "AS64501", "example.gob.cl"}, []demoPerson{
				person("cl-francisca", "Francisca Soto", "Jefa del equipo", "francisca.soto@example.gob.cl", "+56 2 5555 0100"),
				person("cl-rodrigo", "Rodrigo Muñoz", "Asesor de política digital", "rodrigo.munoz@example.gob.cl", ""),
			}},
		{team(GovernmentCSIRT, "CL", "DEMO-CL-GOV", "CSIRT de Gobierno Digital de Chile (demo)",
			"digital.example.gob.cl", "America/Santiago", "2017-06-05", false),
			[]string{"203.0.113.128/26", "AS64502", "digital.example.gob.cl"}, nil},
		{team(DefenseCSIRT, "CL", "DEMO-CL-DEF", "Equipo de Ciberdefensa de Chile (demo)",
			"defensa.example.cl", "America/Santiago", "2018-09-18", false),
			[]string{"203.0.113.192/27", "AS64503", "defensa.example.cl"}, nil},
		{team(NationalCSIRT, "CO", "DEMO-CO-NAT", "Equipo Nacional de Respuesta de Colombia (demo)",
			"example.gov.co", "America/Bogota", "2012-07-20", true),
			[]string{"203.0.113.224/28", "2001:db8:500::/40", "AS64504", "example.gov.co"}, []demoPerson{
				person("co-andres", "Andrés Gómez", "Coordinador técnico", "andres.gomez@example.gov.co", "+57 1 5555 0100"),
			}},
		{team(PoliceCSIRT, "CO", "DEMO-CO-POL", "Unidad de Ciberincidentes de la Policía de Colombia (demo)",
			"policia.example.gov.co", "America/Bogota", "2016-03-14", false),
			[]string{"203.0.113.240/28", "AS64505", "policia.example.gov.co"}, []demoPerson{
				person("co-diana", "Diana Restrepo", "Capitana, unidad de ciberdelito", "diana.restrepo@policia.example.gov.co", ""),
			}},
		{team(NationalCSIRT, "JM", "DEMO-JM-NAT", "Jamaica National Incident Response Team (demo)",
			"example.gov.jm", "America/Jamaica", "2016-11-01", false),
			[]string{"192.0.2.192/27", "AS64506", "example.gov.jm"}, []demoPerson{
				person("jm-andre", "Andre Campbell", "Team lead", "andre.campbell@example.gov.jm", "+1 876 555 0100"),
			}},
		{forming, []string{"192.0.2.224/27", "AS64507", "example.gov.tt", "csirt-demo.example"}, nil},
		{Organization{Kind: Ministry, Country: "CR", ShortName: "DEMO-CR-MIN",
			Name: "Ministerio de Tecnología y Telecomunicaciones de Costa Rica (demo)", Website: "https://mitec.example.go.cr/"},
			nil, []demoPerson{person("cr-laura", "Laura Vargas", "Viceministra de Telecomunicaciones", "laura.vargas@mitec.example.go.cr", "")}},
		{Organization{Kind: Ministry, Country: "MX", ShortName: "DEMO-MX-CANC", Name: "Cancillería de México (demo)",
			Website: "https://cancilleria.example.gob.mx/"},
			nil, []demoPerson{person("mx-maria", "María Fernanda Ortiz", "Directora de Ciberseguridad", "mf.ortiz@cancilleria.example.gob.mx", "")}},
		{Organization{Kind: PartnerPrivate, ShortName: "DEMO-PARTNER", Name: "Example Security Labs (demo)",
			Country: "US", Website: "https://securitylabs.example/"}, nil, nil},
		{Organization{Kind: PartnerAcademia, ShortName: "DEMO-UNI", Name: "Universidad Interamericana de Ejemplo (demo)",
			Country: "PA", Website: "https://universidad.example/"}, nil, nil},
		{Organization{Kind: PartnerNonprofit, ShortName: "DEMO-NGO", Name: "Fundación Ejemplo para la Ciberseguridad (demo)",
			Website: "https://fundacion.example/"}, nil, nil},
		{Organization{Kind: Donor, ShortName: "DEMO-DONOR", Name: "Example Capacity Building Fund (demo)",
			Website: "https://fund.example/"}, nil, nil},
	}
}

var demoSecretariatPeople = []demoPerson{
	person("sec-elena", "Elena Castillo", "Program officer", "elena.castillo@csp.example", "+1 202 555 0100"),
}

// demoContacts are nominated in order: a later nomination of the same kind
// for the same country ends the earlier one, which builds the history.
var demoContacts = []demoContact{
	{country: "MX", kind: IncidentResponse, person: "mx-jorge", on: "2018-02-01"},
	{country: "MX", kind: IncidentResponse, person: "mx-ana", on: "2022-07-01", note: "Replaces Jorge Ramírez."},
	{country: "MX", kind: Policy, person: "mx-maria", on: "2019-03-15"},
	{country: "CR", kind: IncidentResponse, person: "cr-carlos", on: "2017-10-02"},
	{country: "CR", kind: Policy, person: "cr-laura", on: "2021-05-10"},
	{country: "CO", kind: IncidentResponse, person: "co-andres", on: "2016-04-01"},
	{country: "CO", kind: Cybercrime, person: "co-diana", on: "2020-09-14"},
	{country: "CL", kind: IncidentResponse, person: "cl-francisca", on: "2019-01-07"},
	{country: "CL", kind: Policy, person: "cl-rodrigo", on: "2018-11-20", ended: "2023-03-31"},
	{country: "BR", kind: IncidentResponse, person: "br-joao", on: "2015-06-01"},
	{country: "JM", kind: IncidentResponse, person: "jm-andre", on: "2020-01-15"},
}
