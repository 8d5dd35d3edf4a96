package define

// PortMapping publishes a range of container ports on the host.
type PortMapping struct {
	HostIP        string `json:"host_ip"`        // "" means every address
	ContainerPort uint16 `json:"container_port"` // first port of the range
	HostPort      uint16 `json:"host_port"`      // first host port; 0 until assigned
	Range         uint16 `json:"range"`          // number of ports, at least 1
	Protocol      string `json:"protocol"`       // tcp, udp or sctp
}
