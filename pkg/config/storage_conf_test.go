package config

import (
	"path/filepath"
	"reflect"
	"testing"
)

const systemStorageConf = `[storage]
driver = "overlay"
graphroot = "/srv/containers"
runroot = "/run/srv"
rootless_storage_path = "/data/$USER/${UID}/store-$HOME-$OTHER"

[storage.options]
additionalimagestores = ["/ro/store"]

[storage.options.overlay]
mount_program = "/usr/bin/fuse-overlayfs"
mountopt = "nodev"
force_mask = "0700"
ignore_chown_errors = "true"
`

func TestStorageConf(t *testing.T) {
	tests := []struct {
		name     string
		rootless bool
		setup    func(t *testing.T, e testEnv, o *Options)
		want     func(e testEnv) StorageConfig
	}{
		{
			name: "root uses system graphroot",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/storage.conf", systemStorageConf)
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{Driver: "overlay", GraphRoot: "/srv/containers", RunRoot: "/run/srv", Options: []string{
					"overlay.mount_program=/usr/bin/fuse-overlayfs", "overlay.mountopt=nodev",
					"overlay.force_mask=0700", "overlay.ignore_chown_errors=true", "imagestore=/ro/store"}}
			},
		},
		{
			name:     "rootless expands rootless_storage_path",
			rootless: true,
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "usr/share/containers/storage.conf", systemStorageConf)
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{Driver: "overlay", GraphRoot: "/data/alice/1000/store-" + e.home + "-${OTHER}",
					RunRoot: "/run/user/1000/pm/storage", Options: []string{
						"overlay.mount_program=/usr/bin/fuse-overlayfs", "overlay.mountopt=nodev",
						"overlay.force_mask=0700", "overlay.ignore_chown_errors=true", "imagestore=/ro/store"}}
			},
		},
		{
			name:     "rootless ignores system graphroot",
			rootless: true,
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/storage.conf", "[storage]\ndriver = \"vfs\"\ngraphroot = \"/srv\"\n")
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{Driver: "vfs", GraphRoot: filepath.Join(e.home, ".local/share/pm/storage"), RunRoot: "/run/user/1000/pm/storage"}
			},
		},
		{
			name:     "user file wins entirely",
			rootless: true,
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/storage.conf", systemStorageConf)
				e.userFile(t, "containers/storage.conf", "[storage]\ngraphroot = \"/home/mine\"\n[storage.options]\nmount_program = \"/bin/fo\"\n")
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{GraphRoot: "/home/mine", RunRoot: "/run/user/1000/pm/storage", Options: []string{"overlay.mount_program=/bin/fo"}}
			},
		},
		{
			name:     "CONTAINERS_STORAGE_CONF replaces the files",
			rootless: true,
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.userFile(t, "containers/storage.conf", systemStorageConf)
				o.StorageConf = e.sysFile(t, "other.conf", "[storage]\ndriver = \"vfs\"\nrunroot = \"/rr\"\ntransient_store = true\n")
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{Driver: "vfs", GraphRoot: filepath.Join(e.home, ".local/share/pm/storage"), RunRoot: "/rr", TransientStore: true}
			},
		},
		{
			name: "flags win",
			setup: func(t *testing.T, e testEnv, o *Options) {
				e.sysFile(t, "etc/containers/storage.conf", systemStorageConf)
				o.Root, o.RunRoot, o.StorageDriver = "/flag/root", "/flag/run", "vfs"
				o.StorageOpts = []string{"vfs.ignore_chown_errors=true", ""}
			},
			want: func(e testEnv) StorageConfig {
				return StorageConfig{Driver: "vfs", GraphRoot: "/flag/root", RunRoot: "/flag/run", Options: []string{"vfs.ignore_chown_errors=true"}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			o := e.opts(tt.rootless)
			tt.setup(t, e, &o)
			c, err := Load(o)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(e); !reflect.DeepEqual(c.Storage, want) {
				t.Errorf("Storage =\n %+v\nwant\n %+v", c.Storage, want)
			}
			if len(c.Files) != 1 {
				t.Errorf("Files = %v, want one", c.Files)
			}
			if c.DatabasePath != filepath.Join(c.Storage.GraphRoot, "pm", "state.db") {
				t.Errorf("DatabasePath = %s", c.DatabasePath)
			}
		})
	}
}
