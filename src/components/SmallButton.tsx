import * as React from 'react';

/** The small text button of the runs panel's rows and details. */
export function SmallButton(props: {
  testId: string;
  onClick: () => void;
  children: React.ReactNode;
  disabled?: boolean;
  title?: string;
  /** Styled as a destructive action (Stop). */
  warn?: boolean;
  ariaExpanded?: boolean;
}): JSX.Element {
  return (
    <button
      type="button"
      className={`jp-mod-styled jp-SageRun-small${props.warn ? ' jp-mod-warn' : ''}`}
      data-testid={props.testId}
      title={props.title}
      disabled={props.disabled}
      aria-expanded={props.ariaExpanded}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
