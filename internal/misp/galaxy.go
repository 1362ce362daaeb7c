package misp

import (
	"encoding/json"
)

// Galaxy is a MISP galaxy (threat actors, ATT&CK techniques, malware
// families...) with the clusters of it attached to an event or attribute.
type Galaxy struct {
	UUID        string
	Name        string
	Type        string
	Description string
	Namespace   string
	Clusters    []GalaxyCluster
	Extra       map[string]json.RawMessage
}

// GalaxyCluster is one entry of a galaxy ("APT 28", "T1566 Phishing"); Meta
// keeps the cluster's free-form metadata (synonyms, refs, country...) as JSON.
type GalaxyCluster struct {
	UUID        string
	Type        string
	Value       string
	TagName     string
	Description string
	Meta        json.RawMessage
	Extra       map[string]json.RawMessage
}

// parseGalaxy reads one opened galaxy.
func parseGalaxy(f *fields) Galaxy {
	g := Galaxy{
		UUID:        f.str("uuid"),
		Name:        f.str("name"),
		Type:        f.str("type"),
		Description: f.str("description"),
		Namespace:   f.str("namespace"),
	}
	f.objects("GalaxyCluster", func(sub *fields) { g.Clusters = append(g.Clusters, parseCluster(sub)) })
	g.Extra = f.rest()
	return g
}

// header returns the galaxy's own properties, without its clusters.
func (g Galaxy) header() doc {
	d := doc{}
	d.str("uuid", g.UUID)
	d.str("name", g.Name)
	d.str("type", g.Type)
	d.str("description", g.Description)
	d.str("namespace", g.Namespace)
	return d
}

// MarshalJSON writes the galaxy as MISP does.
func (g Galaxy) MarshalJSON() ([]byte, error) {
	d := g.header()
	listOf(d, "GalaxyCluster", g.Clusters)
	return encode(d, g.Extra)
}

// parseCluster reads one opened galaxy cluster.
func parseCluster(f *fields) GalaxyCluster {
	c := GalaxyCluster{
		UUID:        f.str("uuid"),
		Type:        f.str("type"),
		Value:       f.str("value"),
		TagName:     f.str("tag_name"),
		Description: f.str("description"),
		Meta:        f.rawObject("meta"),
	}
	c.Extra = f.rest()
	return c
}

// fields returns the cluster's known properties as MISP writes them.
func (c GalaxyCluster) fields() doc {
	d := doc{}
	d.str("uuid", c.UUID)
	d.str("type", c.Type)
	d.str("value", c.Value)
	d.str("tag_name", c.TagName)
	d.str("description", c.Description)
	d.raw("meta", c.Meta)
	return d
}

// MarshalJSON writes the cluster as MISP does.
func (c GalaxyCluster) MarshalJSON() ([]byte, error) { return encode(c.fields(), c.Extra) }

// clusterSynonyms returns meta.synonyms, the other names of a cluster.
func clusterSynonyms(meta json.RawMessage) []string {
	var m struct {
		Synonyms []string `json:"synonyms"`
	}
	if json.Unmarshal(meta, &m) != nil {
		return nil
	}
	var out []string
	for _, s := range m.Synonyms {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
