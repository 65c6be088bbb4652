package main

import (
	"github.com/wsgidev/wsgidev/devserver/wsgi"
	"github.com/wsgidev/wsgidev/inspector"
	"github.com/wsgidev/wsgidev/templates"
)

// explainTexts hands the inspector explain mode's texts from templates:
// the inspector may import only the exchange model (ARCHITECTURE.md), and main
// is where packages meet, so the texts cross here, through an interface
// the inspector declares.
type explainTexts struct{}

var _ inspector.Explainer = explainTexts{}

func (explainTexts) Environ(key string) (inspector.Explanation, bool) {
	e, ok := templates.ExplainEnviron(key, wsgi.IsHopByHop)
	return toInspector(e), ok
}

func (explainTexts) StartResponse() []inspector.Explanation {
	return toInspectorAll(templates.ExplainStartResponse())
}

func (explainTexts) Body() []inspector.Explanation { return toInspectorAll(templates.ExplainBody()) }

func (explainTexts) Layers() []inspector.Explanation {
	return toInspectorAll(templates.ExplainLayers())
}

func toInspectorAll(list []templates.Explanation) []inspector.Explanation {
	out := make([]inspector.Explanation, len(list))
	for i, e := range list {
		out[i] = toInspector(e)
	}
	return out
}

// toInspector words the origin as the inspector shows it: "from the path
// in the request line", but "set by the server" as it stands.
func toInspector(e templates.Explanation) inspector.Explanation {
	origin := e.Origin.String()
	switch e.Origin.Kind {
	case templates.OriginServer, templates.OriginApp:
	default:
		origin = "from " + origin
	}
	return inspector.Explanation{Key: e.Key, Means: e.Means, Origin: origin, Section: e.Section, Wsgidev: e.Wsgidev}
}
