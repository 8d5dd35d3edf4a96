package define

// Build facts, set at link time with -ldflags "-X ...".
var (
	// PMVersion is pm's release.
	PMVersion = "0.1.0-dev"
	// GitCommit is the commit pm was built from, when known.
	GitCommit = ""
	// BuildTime is the build's Unix time, when known.
	BuildTime = ""
)

// APIVersion is the Docker Engine API version pm's REST API speaks at most:
// the newest that github.com/moby/moby/api, whose types its bodies are,
// describes (a test in pkg/api/handlers/compat keeps the two in step).
const APIVersion = "1.57"

// MinAPIVersion is the oldest Docker Engine API version pm's REST API
// answers: Docker's own oldest.
const MinAPIVersion = "1.24"
