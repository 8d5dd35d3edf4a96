package define

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// defersRecover reports whether body defers Recover (define.Recover
// outside this package) among its own statements: a panic in the
// goroutine then ends in the log, not the process.
func defersRecover(body *ast.BlockStmt) bool {
	for _, st := range body.List {
		d, ok := st.(*ast.DeferStmt)
		if !ok {
			continue
		}
		switch f := d.Call.Fun.(type) {
		case *ast.Ident:
			if f.Name == "Recover" {
				return true
			}
		case *ast.SelectorExpr:
			if x, ok := f.X.(*ast.Ident); ok && x.Name == "define" && f.Sel.Name == "Recover" {
				return true
			}
		}
	}
	return false
}

// TestGoroutinesRecover fails when a goroutine pm starts (a go
// statement, or a time.AfterFunc callback) does not begin as a function
// literal that defers define.Recover: in the long-lived API service a
// panic in any goroutine but a handler's would end the process and every
// client's requests with it.
func TestGoroutinesRecover(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	for _, dir := range []string{"cmd", "libpod", "pkg"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				var fn ast.Expr
				var what string
				switch n := n.(type) {
				case *ast.GoStmt:
					fn, what = n.Call.Fun, "go statement"
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if x, isIdent := sel2ident(sel, ok); isIdent && x == "time" && sel.Sel.Name == "AfterFunc" && len(n.Args) == 2 {
						fn, what = n.Args[1], "time.AfterFunc callback"
					}
				}
				if fn == nil {
					return true
				}
				checked++
				lit, ok := fn.(*ast.FuncLit)
				if !ok || !defersRecover(lit.Body) {
					t.Errorf("%s: %s without a deferred define.Recover: start a func literal that defers it first", fset.Position(n.Pos()), what)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("found only %d goroutines under cmd, libpod and pkg: the walk missed the sources", checked)
	}
}

// sel2ident is the package name of sel, a selector, when it is one.
func sel2ident(sel *ast.SelectorExpr, ok bool) (string, bool) {
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	return x.Name, true
}
