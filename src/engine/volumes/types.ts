/**
 * VolumeStore: Docker named volumes (driver "local"), each a directory DIR/engine/volumes/<name>/_data
 * with a small record beside it. A volume outlives the containers that mount it; `remove` refuses
 * (Conflict) while a container refers to it unless forced.
 */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local';
  /** Present when asked for sizes (system df). */
  UsageData?: { Size: number; RefCount: number };
}

export interface VolumeStore {
  /** `usage` fills UsageData (size walk: slow, for system df). */
  list(filters?: Record<string, string[]>, opts?: { usage?: boolean }): Promise<VolumeRecord[]>;
  get(name: string): Promise<VolumeRecord>;
  /** Creating an existing name returns it unchanged (Docker does the same). Anonymous when name is empty. */
  create(name: string | undefined, opts?: { labels?: Record<string, string>; driverOpts?: Record<string, string> }): Promise<VolumeRecord>;
  remove(name: string, opts?: { force?: boolean }): Promise<void>;
  /** Unused anonymous volumes (all unused ones with `all`), as Docker 23+ does. */
  prune(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
  /** Copies `fromDir` into the volume if this is its first mount and it is empty. */
  populate(name: string, fromDir: string): Promise<void>;
  /** True until the first mount populated the volume. */
  needsPopulate(name: string): boolean;
  isAnonymous(name: string): boolean;
  /** Which containers refer to a volume: kept by the ContainerManager. */
  setUsers(users: (name: string) => string[]): void;
}
