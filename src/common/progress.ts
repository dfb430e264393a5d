/** How far a long job is, for a progress bar: `done` of `total` units of `task`. */
export interface ProgressEvent {
  readonly task: string;
  readonly total: number;
  readonly done: number;
}

export type ProgressListener = (event: ProgressEvent) => void;
