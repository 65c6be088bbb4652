//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// djangoProject makes what `django-admin startproject mysite .` makes, plus
// one view answering reloadOld in mysite/views.py: the project issue 7
// measures, with the admin, auth and sessions apps Django starts with.
func djangoProject(b *bench, dir string) error {
	if out, err := commandOutput(context.Background(), b.python, "-m", "django", "startproject", "mysite", dir); err != nil {
		return fmt.Errorf("django startproject: %v\n%s", err, out)
	}
	view := "from django.http import HttpResponse\n\n\ndef hello(request):\n" +
		"    return HttpResponse(\"" + reloadOld + "\\n\", content_type=\"text/plain\")\n"
	if err := os.WriteFile(filepath.Join(dir, "mysite", "views.py"), []byte(view), 0o644); err != nil {
		return err
	}
	urls := filepath.Join(dir, "mysite", "urls.py")
	data, err := os.ReadFile(urls)
	if err != nil {
		return err
	}
	src := strings.Replace(string(data), "from django.urls import path", "from django.urls import path\n\nfrom mysite import views", 1)
	for _, q := range []string{"'", `"`} {
		route := "    path(" + q + "admin/" + q + ", admin.site.urls),"
		src = strings.Replace(src, route, route+"\n    path("+q+q+", views.hello),", 1)
	}
	if !strings.Contains(src, "views.hello") {
		return fmt.Errorf("%s has no admin route to put the view beside", urls)
	}
	return os.WriteFile(urls, []byte(src), 0o644)
}
