package pyrunner

import "testing"

func TestParseAppSpec(t *testing.T) {
	tests := []struct {
		in      string
		want    AppSpec
		wantErr bool
	}{
		{in: "app.py", want: AppSpec{File: "app.py"}},
		{in: "path/to/app.py", want: AppSpec{File: "path/to/app.py"}},
		{in: "./serve", want: AppSpec{File: "./serve"}},
		{in: "app.py:name", want: AppSpec{File: "app.py", Expr: "name"}},
		{in: "mysite/wsgi.py", want: AppSpec{File: "mysite/wsgi.py"}},
		{in: "mysite.wsgi:application", want: AppSpec{Module: "mysite.wsgi", Expr: "application"}},
		{in: "pkg.module:name", want: AppSpec{Module: "pkg.module", Expr: "name"}},
		{in: "pkg.module", want: AppSpec{Module: "pkg.module"}},
		{in: "pkg.module:create_app()", want: AppSpec{Module: "pkg.module", Expr: "create_app()"}},
		{in: "pkg.module:create_app('dev', debug=True)", want: AppSpec{Module: "pkg.module", Expr: "create_app('dev', debug=True)"}},
		{in: "app:create_app('a:b')", want: AppSpec{Module: "app", Expr: "create_app('a:b')"}},
		{in: " app.py : app ", want: AppSpec{File: "app.py", Expr: "app"}},
		{in: "", wantErr: true},
		{in: ":app", wantErr: true},
		{in: "app.py:", wantErr: true},
		{in: "my-app:app", wantErr: true},
		{in: "pkg..mod", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAppSpec(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
