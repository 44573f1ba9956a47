import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../../../../shared/model/instance';
import { LocaleProvider } from '../../app/i18n';
import { sampleFleet } from '../../state/fake-bridge';
import { InstanceTable } from './InstanceTable';

afterEach(cleanup);

function bigFleet(count: number): Instance[] {
  const [template] = sampleFleet();
  return Array.from({ length: count }, (_, i) => ({
    ...template!,
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    name: `node-${String(i).padStart(5, '0')}`,
  }));
}

function Harness({ instances }: { instances: Instance[] }) {
  const [selectedId, setSelectedId] = useState<string | undefined>();
  return (
    <LocaleProvider locale="en">
      <InstanceTable instances={instances} selectedId={selectedId} busy={false} onSelect={setSelectedId} />
    </LocaleProvider>
  );
}

describe('InstanceTable with a large fleet', () => {
  it('renders only a window of rows but reports the full row count', () => {
    render(<Harness instances={bigFleet(5_000)} />);
    const grid = screen.getByRole('grid', { name: 'Instances' });
    expect(grid.getAttribute('aria-rowcount')).toBe('5001');
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[1]!.getAttribute('aria-rowindex')).toBe('2');
  });

  it('keeps the focused row rendered when the keyboard jumps to the end', () => {
    render(<Harness instances={bigFleet(5_000)} />);
    const grid = screen.getByRole('grid', { name: 'Instances' });
    const first = within(grid).getAllByRole('row')[1]!;
    first.focus();
    fireEvent.keyDown(first, { key: 'End' });
    const last = within(grid).getByRole('row', { name: /node-04999/ });
    expect(last.getAttribute('aria-selected')).toBe('true');
    expect(last.getAttribute('aria-rowindex')).toBe('5001');
    expect(document.activeElement).toBe(last);
  });

  it('renders every row of a list that fits in view', () => {
    render(<Harness instances={bigFleet(15)} />);
    expect(within(screen.getByRole('grid')).getAllByRole('row')).toHaveLength(16);
  });

  it('renders only a window of a list a few hundred rows long (a filtered fleet)', () => {
    render(<Harness instances={bigFleet(120)} />);
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe('121');
    expect(within(grid).getAllByRole('row').length).toBeLessThan(60);
  });
});
