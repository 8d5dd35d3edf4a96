package engine

import (
	"context"
	"fmt"
	"github.com/pm-project/pm/libpod/define"
	"io"
	"strings"
	"sync"
)

// buildStages builds the stages up to last: one after another, or with
// Jobs, each as soon as the stages it needs are built, Jobs at a time.
// The first error cancels the stages still building.
func (bs *buildState) buildStages(last int) error {
	jobs := bs.req.Jobs
	if jobs == 0 || jobs == 1 {
		for i := 0; i <= last; i++ {
			if err := bs.buildStage(i, last); err != nil {
				return err
			}
		}
		return nil
	}
	if jobs < 0 {
		jobs = last + 1
	}
	ctx, cancel := context.WithCancel(bs.ctx)
	defer cancel()
	bs.ctx = ctx
	deps := stageDeps(bs.stages, last)
	done := make([]chan struct{}, last+1)
	for i := range done {
		done[i] = make(chan struct{})
	}
	slots := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error // the error that cancelled the others
	for i := 0; i <= last; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer define.Recover("scheduling a build stage", nil)
			for _, d := range deps[i] {
				select {
				case <-done[d]:
				case <-ctx.Done():
					return
				}
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			// A panic in a stage fails the build like an error: the
			// slot is given back and the other stages cancelled.
			err := func() (err error) {
				defer define.Recover("building a stage", &err)
				return bs.buildStage(i, last)
			}()
			<-slots
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
				return
			}
			close(done[i])
		}()
	}
	wg.Wait()
	return first
}

// stageDeps lists, for each stage up to last, the earlier stages it
// builds on: FROM one, or COPY --from one. A reference holding a
// variable may name any of them.
func stageDeps(stages []buildStage, last int) [][]int {
	deps := make([][]int, last+1)
	for i := 0; i <= last; i++ {
		need := map[int]bool{}
		ref := func(r string) {
			if strings.Contains(r, "$") {
				for j := 0; j < i; j++ {
					need[j] = true
				}
			} else if j := stageIndex(stages, r, i); j >= 0 {
				need[j] = true
			}
		}
		for _, st := range stages[i].steps {
			switch st.Cmd {
			case "FROM":
				if img, _, err := fromArgs(st.Args); err == nil {
					ref(img)
				}
			case "COPY":
				if ca, err := parseCopyArgs(st.Cmd, st.Args); err == nil && ca.from != "" {
					ref(ca.from)
				}
			}
		}
		for j := range need {
			deps[i] = append(deps[i], j)
		}
	}
	return deps
}

// buildStage runs the steps of stage i and commits its result: the
// build's (with its labels and format) for the last stage.
func (bs *buildState) buildStage(i, last int) error {
	req, out := bs.req, bs.out
	prefix := ""
	if last > 0 {
		prefix = fmt.Sprintf("[%d/%d] ", i+1, last+1)
	}
	b := &builder{buildState: bs, stage: i, args: map[string]string{}, env: map[string]string{}}
	steps := bs.stages[i].steps
	for j, st := range steps {
		b.final = i == last && j == len(steps)-1
		if req.PodmanStyle {
			fmt.Fprintf(out, "%sSTEP %d/%d: %s\n", prefix, j+1, len(steps), st.Line)
		} else {
			fmt.Fprintf(out, "Step %d/%d : %s\n", j+1, len(steps), st.Line)
		}
		if err := b.step(st); err != nil {
			if st.Cmd == "FROM" {
				return err
			}
			return fmt.Errorf("building at STEP %q: %w", st.Line, err)
		}
	}
	// The build's image is its last step's commit; a last step that
	// committed nothing (FROM, a configuration instruction) gets one.
	b.final = i == last
	if (b.final && !b.finalImage) || (!b.final && b.dirty) {
		if err := b.commitStep("COMMIT " + b.commitFormat()); err != nil {
			return err
		}
	}
	bs.mu.Lock()
	bs.stageImages[i] = b.image
	bs.mu.Unlock()
	return nil
}

// stageImage is the result of stage i, once built.
func (bs *buildState) stageImage(i int) string {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.stageImages[i]
}

// lockedWriter lets stages built at once write whole lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
