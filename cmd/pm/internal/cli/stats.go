package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/pm-project/pm/cmd/pm/internal/format"
	"github.com/pm-project/pm/libpod/define"
)

// StatsRow is one container's reading as `pm stats` and `pm pod stats`
// print it; its methods are the --format fields.
type StatsRow struct {
	*define.ContainerStats
	NoTrunc bool
}

// ID is the container's ID, short unless --no-trunc.
func (r StatsRow) ID() string {
	if r.NoTrunc || len(r.ContainerStats.ID) < 12 {
		return r.ContainerStats.ID
	}
	return r.ContainerStats.ID[:12]
}

// CPUPerc is the CPU use since the previous reading.
func (r StatsRow) CPUPerc() string { return percent(r.CPU) }

// AVGCPU is the CPU use since the start.
func (r StatsRow) AVGCPU() string { return percent(r.AvgCPU) }

// MemPerc is the memory use against the limit.
func (r StatsRow) MemPerc() string { return percent(r.ContainerStats.MemPerc) }

// MemUsage is "usage / limit", in decimal units.
func (r StatsRow) MemUsage() string { return pair(r.ContainerStats.MemUsage, r.MemLimit, compactSize) }

// MemUsageBytes is "usage / limit", in binary units.
func (r StatsRow) MemUsageBytes() string {
	return pair(r.ContainerStats.MemUsage, r.MemLimit, binarySize)
}

// NetIO is "received / sent".
func (r StatsRow) NetIO() string { return pair(r.NetInput, r.NetOutput, compactSize) }

// BlockIO is "read / written".
func (r StatsRow) BlockIO() string { return pair(r.BlockInput, r.BlockOutput, compactSize) }

// PIDS is the number of processes and threads.
func (r StatsRow) PIDS() string { return strconv.FormatUint(r.PIDs, 10) }

// UpTime is the CPU time used since the start (Podman's CPU TIME column).
func (r StatsRow) UpTime() string { return r.CPUTime().String() }

// StatsHeaders are the column titles of the stats fields.
var StatsHeaders = map[string]string{
	"ID": "ID", "CPUPerc": "CPU %", "AVGCPU": "AVG CPU %", "MemUsage": "MEM USAGE / LIMIT",
	"MemUsageBytes": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO",
	"PIDS": "PIDS", "UpTime": "CPU TIME",
}

// StatsJSON is a reading in `--format json`, values as the table shows them.
type StatsJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CPUTime    string `json:"cpu_time"`
	CPUPercent string `json:"cpu_percent"`
	AvgCPU     string `json:"avg_cpu"`
	MemUsage   string `json:"mem_usage"`
	MemPercent string `json:"mem_percent"`
	NetIO      string `json:"net_io"`
	BlockIO    string `json:"block_io"`
	PIDs       string `json:"pids"`
}

// JSON is r in the shape of `--format json`.
func (r StatsRow) JSON() StatsJSON {
	return StatsJSON{
		ID: r.ID(), Name: r.Name, CPUTime: r.UpTime(), CPUPercent: r.CPUPerc(), AvgCPU: r.AVGCPU(),
		MemUsage: r.MemUsage(), MemPercent: r.MemPerc(), NetIO: r.NetIO(), BlockIO: r.BlockIO(), PIDs: r.PIDS(),
	}
}

func percent(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) + "%" }

func pair(a, b uint64, f func(uint64) string) string { return f(a) + " / " + f(b) }

// compactSize is a size in decimal units with four significant digits and
// no space, as `podman stats` prints: "1.044MB".
func compactSize(n uint64) string {
	return sizeIn(n, 1000, []string{"B", "kB", "MB", "GB", "TB", "PB"})
}

// binarySize is a size in binary units: "1020KiB".
func binarySize(n uint64) string {
	return sizeIn(n, 1024, []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"})
}

func sizeIn(n uint64, base float64, units []string) string {
	f, i := float64(n), 0
	for f >= base && i < len(units)-1 {
		f /= base
		i++
	}
	return strconv.FormatFloat(f, 'g', 4, 64) + units[i]
}

// Repeat prints what show writes now and then every interval until ctx
// ends, clearing the terminal before each showing unless noReset; once
// only with once. A showing that fails prints nothing.
func Repeat(ctx context.Context, interval time.Duration, once, noReset bool, show func(w io.Writer) error) error {
	for {
		var buf bytes.Buffer
		if err := show(&buf); err != nil {
			return err
		}
		if !once && !noReset {
			os.Stdout.WriteString("\033[2J\033[H")
		}
		if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
			return err
		}
		if once {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// WriteStats prints rows per the user's --format, or the default table.
func WriteStats(w io.Writer, rows []StatsRow, fmtFlag, defaultRow string) error {
	if format.IsJSON(fmtFlag) {
		out := make([]StatsJSON, 0, len(rows))
		for _, r := range rows {
			out = append(out, r.JSON())
		}
		return format.Write(w, out, format.Options{Format: "json"})
	}
	return format.Write(w, rows, format.Options{Format: fmtFlag, Default: defaultRow, Headers: StatsHeaders})
}
