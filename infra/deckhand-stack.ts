import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { StateTable } from './constructs/state-table.ts';

export interface DeckhandStackProps extends StackProps {
  production: boolean;
}

export class DeckhandStack extends Stack {
  readonly state: StateTable;

  constructor(scope: Construct, id: string, props: DeckhandStackProps) {
    super(scope, id, props);
    Tags.of(this).add('app', 'deckhand');
    this.state = new StateTable(this, 'State', { production: props.production });
  }
}
