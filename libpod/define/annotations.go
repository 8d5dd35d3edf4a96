package define

// Annotations of a container's OCI spec that record the security options
// it was made with, under Podman's names; inspect shows them in
// HostConfig.SecurityOpt.
const (
	// InspectAnnotationSeccomp is the seccomp= option: a profile's path,
	// its JSON (from the Docker API) or unconfined.
	InspectAnnotationSeccomp = "io.podman.annotations.seccomp"
	// InspectAnnotationLabel is the label= options, joined by ",label=".
	InspectAnnotationLabel = "io.podman.annotations.label"
	// InspectAnnotationApparmor is the apparmor= option.
	InspectAnnotationApparmor = "io.podman.annotations.apparmor"
)

// SeccompImageLabel is the image label that holds a seccomp profile,
// applied with --seccomp-policy image.
const SeccompImageLabel = "io.containers.seccomp.profile"
