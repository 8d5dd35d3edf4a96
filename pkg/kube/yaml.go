package kube

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pm-project/pm/libpod/define"
	"sigs.k8s.io/yaml"
)

// Workload is a Pod, or the pod template of a Deployment, to play.
type Workload struct {
	Kind     string // Pod or Deployment
	Name     string // the object's metadata.name
	PodName  string // the pod pm makes: Name, or NAME-pod for a Deployment
	Replicas int32  // Deployment's replicas (1 when unset)
	Meta     ObjectMeta
	Spec     PodSpec
}

// Documents are the objects of a YAML stream by kind, each in input order.
type Documents struct {
	Workloads  []Workload
	ConfigMaps []ConfigMap
	Claims     []PersistentVolumeClaim
	Services   []Service
}

// Parse reads a stream of YAML documents separated by "---" lines. A
// document that is not one of the kinds pm knows, or does not decode, is
// an invalid-argument error naming its position.
func Parse(data []byte) (*Documents, error) {
	docs := &Documents{}
	n := 0
	for _, raw := range splitDocuments(data) {
		js, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return nil, define.Invalidf("malformed YAML in document %d: %s", n+1, yamlReason(err))
		}
		js = bytes.TrimSpace(js)
		if len(js) == 0 || string(js) == "null" {
			continue // only comments or blanks
		}
		n++
		var tm TypeMeta
		if err := json.Unmarshal(js, &tm); err != nil {
			return nil, define.Invalidf("malformed YAML in document %d: not a Kubernetes object", n)
		}
		decode := func(v any) error {
			if err := json.Unmarshal(js, v); err != nil {
				return define.Invalidf("malformed %s in document %d: %s", tm.Kind, n, jsonReason(err))
			}
			return nil
		}
		switch tm.Kind {
		case KindPod:
			var p Pod
			if err := decode(&p); err != nil {
				return nil, err
			}
			if p.Metadata.Name == "" {
				return nil, define.Invalidf("Pod in document %d has no metadata.name", n)
			}
			docs.Workloads = append(docs.Workloads, Workload{Kind: KindPod, Name: p.Metadata.Name, PodName: p.Metadata.Name, Replicas: 1, Meta: p.Metadata, Spec: p.Spec})
		case KindDeployment:
			var d Deployment
			if err := decode(&d); err != nil {
				return nil, err
			}
			if d.Metadata.Name == "" {
				return nil, define.Invalidf("Deployment in document %d has no metadata.name", n)
			}
			w := Workload{Kind: KindDeployment, Name: d.Metadata.Name, PodName: d.Metadata.Name + "-pod", Replicas: 1, Spec: d.Spec.Template.Spec}
			if d.Spec.Replicas != nil {
				w.Replicas = *d.Spec.Replicas
			}
			// The pod takes the template's labels and annotations over the
			// Deployment's own.
			w.Meta = ObjectMeta{Name: w.PodName, Labels: merge(d.Metadata.Labels, d.Spec.Template.Metadata.Labels),
				Annotations: merge(d.Metadata.Annotations, d.Spec.Template.Metadata.Annotations)}
			docs.Workloads = append(docs.Workloads, w)
		case KindConfigMap:
			var c ConfigMap
			if err := decode(&c); err != nil {
				return nil, err
			}
			if c.Metadata.Name == "" {
				return nil, define.Invalidf("ConfigMap in document %d has no metadata.name", n)
			}
			docs.ConfigMaps = append(docs.ConfigMaps, c)
		case KindClaim:
			var c PersistentVolumeClaim
			if err := decode(&c); err != nil {
				return nil, err
			}
			if c.Metadata.Name == "" {
				return nil, define.Invalidf("PersistentVolumeClaim in document %d has no metadata.name", n)
			}
			docs.Claims = append(docs.Claims, c)
		case KindService:
			var s Service
			if err := decode(&s); err != nil {
				return nil, err
			}
			docs.Services = append(docs.Services, s)
		case "":
			return nil, define.Invalidf("document %d has no kind", n)
		default:
			return nil, define.Errorf(define.ErrUnsupported, "unsupported kind %q in document %d: pm plays Pod, Deployment, PersistentVolumeClaim, ConfigMap and Service", tm.Kind, n)
		}
	}
	return docs, nil
}

// ParseConfigMaps reads a --configmap file: ConfigMaps only.
func ParseConfigMaps(data []byte) ([]ConfigMap, error) {
	docs, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if len(docs.Workloads) > 0 || len(docs.Claims) > 0 || len(docs.Services) > 0 {
		return nil, define.Invalidf("a --configmap file may hold only ConfigMaps")
	}
	return docs.ConfigMaps, nil
}

// Marshal writes objects as YAML documents separated by "---" lines.
func Marshal(objs ...any) ([]byte, error) {
	var buf bytes.Buffer
	for i, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding YAML: %w", err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// splitDocuments cuts a YAML stream at its "---" lines.
func splitDocuments(data []byte) [][]byte {
	var out [][]byte
	var cur bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimRight(line, " \t\r")
		if t == "---" || strings.HasPrefix(t, "--- #") {
			out = append(out, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	return append(out, cur.Bytes())
}

// yamlReason shortens the YAML library's error to its reason.
func yamlReason(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "error converting YAML to JSON: ")
	s = strings.TrimPrefix(s, "yaml: ")
	return s
}

// jsonReason says which field did not decode.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %s: cannot use a %s as %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// merge returns the keys of a overridden by b's; nil when both are empty.
func merge(a, b map[string]string) map[string]string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
