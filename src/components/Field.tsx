import * as React from 'react';

/** The message of one field, where the UI tests and screen readers find it. */
export function FieldErrorMessage(props: {
  field: string;
  message?: string;
  id?: string;
}): JSX.Element | null {
  if (!props.message) {
    return null;
  }
  return (
    <div
      className="jp-SageRun-fieldError"
      data-testid="sagerun-field-error"
      data-field={props.field}
      id={props.id}
      role="alert"
    >
      {props.message}
    </div>
  );
}

export function FieldWarning(props: { message?: string }): JSX.Element | null {
  return props.message ? (
    <div className="jp-SageRun-fieldWarning">{props.message}</div>
  ) : null;
}

/** A labelled input row: label, control, hint and error. */
export function FieldRow(props: {
  label: string;
  htmlFor: string;
  field: string;
  error?: string;
  hint?: React.ReactNode;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div
      className={
        'jp-SageRun-field' + (props.error ? ' jp-SageRun-field-invalid' : '')
      }
    >
      <label htmlFor={props.htmlFor}>{props.label}</label>
      <div className="jp-SageRun-control">
        {props.children}
        {props.hint ? (
          <div className="jp-SageRun-hint" id={`${props.htmlFor}-hint`}>
            {props.hint}
          </div>
        ) : null}
        <FieldErrorMessage
          field={props.field}
          message={props.error}
          id={`${props.htmlFor}-error`}
        />
      </div>
    </div>
  );
}

export function Section(props: {
  title: string;
  children: React.ReactNode;
  className?: string;
}): JSX.Element {
  return (
    <fieldset className={'jp-SageRun-section ' + (props.className ?? '')}>
      <legend>{props.title}</legend>
      {props.children}
    </fieldset>
  );
}

/** aria attributes of an input with a hint and an error. */
export function describedBy(
  id: string,
  error?: string,
  hint?: boolean
): { 'aria-invalid'?: boolean; 'aria-describedby'?: string } {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': ids || undefined
  };
}
