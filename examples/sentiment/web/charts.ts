/** Live loss and accuracy charts (running means over the epoch), drawn by tfjs-vis. */
import * as tfvis from '@tensorflow/tfjs-vis';

export interface Point {
  x: number;
  y: number;
}

export class TrainingCharts {
  readonly loss: Point[] = [];
  readonly accuracy: Point[] = [];
  readonly heldOut: Point[] = [];
  /** A learned layout's density and the blocks each update changed, per update step. */
  readonly density: Point[] = [];
  readonly changedBlocks: Point[] = [];

  constructor(private readonly lossContainer: HTMLElement, private readonly accuracyContainer: HTMLElement,
              private readonly heldOutContainer: HTMLElement, private readonly layoutContainer: HTMLElement) {}

  clear(): void {
    this.loss.length = this.accuracy.length = this.heldOut.length = 0;
    this.density.length = this.changedBlocks.length = 0;
    this.layoutContainer.replaceChildren();
  }

  render(): void {
    void tfvis.render.linechart(this.lossContainer, {values: [this.loss], series: ['training loss']},
        {xLabel: 'step', yLabel: 'loss', width: 420, height: 240});
    void tfvis.render.linechart(this.accuracyContainer, {values: [this.accuracy], series: ['training accuracy']},
        {xLabel: 'step', yLabel: 'accuracy', width: 420, height: 240});
    // tfjs-vis's linechart plots a point at its index, not at its x: right for
    // the series above (a point per step), wrong for held-out accuracy (a point
    // per evaluation, every few dozen steps), which goes on a scatterplot, where
    // x is the training step.
    if (this.heldOut.length > 0) {
      const lastStep = this.heldOut[this.heldOut.length - 1].x;
      void tfvis.render.scatterplot(this.heldOutContainer, {values: [this.heldOut], series: ['held-out accuracy']},
          {xLabel: 'step', yLabel: 'accuracy', width: 420, height: 240, xAxisDomain: [0, lastStep]});
    }
    // Updates come every few dozen steps: a scatterplot too. Changed blocks are
    // a fraction of the kept ones, so both share the [0, 1] axis.
    if (this.density.length > 0) {
      const lastStep = this.density[this.density.length - 1].x;
      void tfvis.render.scatterplot(this.layoutContainer,
          {values: [this.density, this.changedBlocks], series: ['density', 'changed blocks / kept blocks']},
          {xLabel: 'step', yLabel: 'fraction', width: 420, height: 240, xAxisDomain: [0, lastStep],
           yAxisDomain: [0, 1]});
    }
  }
}
