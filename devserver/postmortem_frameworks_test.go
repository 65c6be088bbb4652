//go:build linux

package devserver_test

import (
	"strings"
	"testing"
)

// The frameworks' post-mortems run on Debian's Python (frameworkPython),
// as the differential tests do.

// flaskApp raises in a view; FLASK_DEBUG=1 lets the exception reach wsgidev.
const flaskApp = `from flask import Flask
app = Flask(__name__)

@app.route("/boom")
def boom():
    marker = 'post-mortem-4711'
    return 1 / 0
`

// djangoApp is a one-file Django project whose view raises: Django answers
// its own 500, and announces the exception with got_request_exception.
const djangoApp = `from django.conf import settings
settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], SECRET_KEY="test")
from django.core.wsgi import get_wsgi_application
from django.urls import path

def boom(request):
    marker = 'post-mortem-4711'
    return 1 / 0

urlpatterns = [path("boom", boom)]
application = get_wsgi_application()
`

func TestPostMortemOfFrameworks(t *testing.T) {
	for _, tc := range []struct {
		name, module, app string
		env               []string
	}{
		{"flask", "flask", flaskApp, []string{"FLASK_DEBUG=1"}},
		{"flask without debug", "flask, blinker", flaskApp, nil}, // kept from got_request_exception
		{"django", "django", djangoApp, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireModules(t, frameworkPython, strings.Split(tc.module, ", ")...)
			cfg := keeping(10)
			cfg.Child.Python.Path = frameworkPython
			ts := startSession(t, tc.app, cfg, tc.env...)
			out, _ := ts.postMortem(ts.failed("/boom"), "p marker")
			if !strings.Contains(out, "ZeroDivisionError") || !strings.Contains(out, "'post-mortem-4711'") {
				t.Errorf("the post-mortem of a %s view:\n%s", tc.name, out)
			}
		})
	}
}
